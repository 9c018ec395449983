import { Fieldset, MultiSelect, NumberInput, PasswordInput, Select, Stack, Switch, TagsInput, Textarea, TextInput } from '@mantine/core';
import { type JsonSchema, type OpenApiDocument, resolveSchema } from '../api/openapi-document';

export type FormValue = Record<string, unknown>;

const title = (name: string) => name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());

/**
 * Inputs for a request body, built from its OpenAPI schema: enums become selects, string arrays
 * tag inputs, nested objects fieldsets, write-only strings password fields. Every field carries
 * the schema's description as its help text. `value` holds what the user set; unset fields are
 * left out of the request.
 */
export function SchemaFields({ document, schema, value, onChange, disabled, idPrefix = '', groupOptions }: {
  document: OpenApiDocument;
  /** Choices for fields holding group ids (`groupId`, `groupIds`, `parentId`): names instead of UUIDs. */
  groupOptions?: { value: string; label: string }[];
  schema: JsonSchema;
  value: FormValue;
  onChange: (next: FormValue) => void;
  disabled?: boolean;
  idPrefix?: string;
}) {
  const resolved = resolveSchema(document, schema);
  const required = new Set(resolved.required ?? []);
  return (
    <Stack gap="sm">
      {Object.entries(resolved.properties ?? {}).map(([name, raw]) => {
        const field = resolveSchema(document, raw);
        const set = (next: unknown) => onChange({ ...value, [name]: next });
        const common = { label: title(name), description: field.description, required: required.has(name), disabled, id: `${idPrefix}${name}` };
        const current = value[name];
        if (field.properties) {
          return (
            <Fieldset key={name} legend={title(name)} disabled={disabled}>
              <SchemaFields document={document} schema={field} value={(current as FormValue) ?? {}} onChange={set} disabled={disabled} idPrefix={`${idPrefix}${name}.`} groupOptions={groupOptions} />
            </Fieldset>
          );
        }
        if (groupOptions && (name === 'groupIds' || name === 'groupId' || name === 'parentId')) {
          return name === 'groupIds' ? (
            <MultiSelect key={name} {...common} searchable data={groupOptions} value={(current as string[]) ?? []} onChange={set} />
          ) : (
            <Select key={name} {...common} searchable clearable data={groupOptions} value={(current as string) ?? null} onChange={(v) => set(v ?? undefined)} />
          );
        }
        if (field.enum) {
          return <Select key={name} {...common} data={field.enum} value={(current as string) ?? null} onChange={(v) => set(v ?? undefined)} clearable={!required.has(name)} />;
        }
        if (field.type === 'array' && field.items?.enum) {
          return <MultiSelect key={name} {...common} data={field.items.enum} value={(current as string[]) ?? []} onChange={set} />;
        }
        if (field.type === 'array') {
          return <TagsInput key={name} {...common} value={(current as string[]) ?? []} onChange={set} />;
        }
        if (field.type === 'boolean') {
          return <Switch key={name} label={common.label} description={common.description} disabled={disabled} checked={current === undefined ? field.default === true : Boolean(current)} onChange={(e) => set(e.currentTarget.checked)} />;
        }
        if (field.type === 'number' || field.type === 'integer') {
          return <NumberInput key={name} {...common} min={field.minimum} max={field.maximum} value={(current as number) ?? ''} onChange={(v) => set(v === '' ? undefined : Number(v))} />;
        }
        // Strings, and nullable strings the document describes as bare objects.
        const text = (current as string | null | undefined) ?? '';
        if (field.writeOnly) {
          return <PasswordInput key={name} {...common} autoComplete="off" maxLength={field.maxLength ?? 2048} value={text} onChange={(e) => set(e.currentTarget.value || undefined)} />;
        }
        if ((field.maxLength ?? 0) > 4096) {
          // Long text (an armored keyring, a certificate): a box of several lines.
          return <Textarea key={name} {...common} autosize minRows={3} maxRows={12} maxLength={field.maxLength} value={text} onChange={(e) => set(e.currentTarget.value === '' ? (field.nullable ? null : undefined) : e.currentTarget.value)} />;
        }
        return (
          <TextInput
            key={name}
            {...common}
            maxLength={field.maxLength ?? 2048}
            placeholder={typeof field.example === 'string' ? field.example : undefined}
            value={text}
            onChange={(e) => set(e.currentTarget.value === '' ? (field.nullable ? null : undefined) : e.currentTarget.value)}
          />
        );
      })}
    </Stack>
  );
}
