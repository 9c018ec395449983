import { Button, Fieldset, Group, MultiSelect, NumberInput, PasswordInput, Select, Stack, Switch, TagsInput, Text, Textarea, TextInput } from '@mantine/core';
import { type JsonSchema, type OpenApiDocument, resolveSchema } from '../api/openapi-document';

export type FormValue = Record<string, unknown>;

const title = (name: string) => name.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());

/** Strings the document leaves unbounded that still hold several lines (an armored keyring). */
const LONG_TEXT_FIELDS = new Set(['keyring']);

/** The variants of a union field (`oneOf` with a `discriminator`), each with the value its discriminator takes. */
export function unionVariants(document: OpenApiDocument, field: JsonSchema): { value: string; schema: JsonSchema }[] {
  const key = field.discriminator?.propertyName;
  if (!key || !field.oneOf) return [];
  return field.oneOf.flatMap((raw) => {
    const schema = resolveSchema(document, raw);
    const value = resolveSchema(document, schema.properties?.[key] ?? {}).enum?.[0];
    return value ? [{ value, schema }] : [];
  });
}

/**
 * `value` cut down to the fields of the union variant its discriminator names (a saved
 * configuration's view carries fields no request accepts, and a kind switched away from leaves
 * fields the new kind refuses). Write-only fields (tokens) are never carried over.
 */
export function pickUnionVariant(document: OpenApiDocument, field: JsonSchema, value: FormValue): FormValue {
  const key = field.discriminator?.propertyName ?? '';
  const variant = unionVariants(document, field).find((v) => v.value === value[key]);
  if (!variant) return { [key]: value[key] };
  const picked: FormValue = {};
  for (const [name, raw] of Object.entries(variant.schema.properties ?? {})) {
    if (value[name] !== undefined && !resolveSchema(document, raw).writeOnly) picked[name] = value[name];
  }
  return picked;
}

/**
 * Inputs for a request body, built from its OpenAPI schema: enums become selects, string arrays
 * tag inputs, nested objects fieldsets, write-only strings password fields. Every field carries
 * the schema's description as its help text. `value` holds what the user set; unset fields are
 * left out of the request.
 */
export function SchemaFields({ document, schema, value, onChange, disabled, idPrefix = '', groupOptions, omit }: {
  document: OpenApiDocument;
  /** Choices for fields holding group ids (`groupId`, `groupIds`, `parentId`): names instead of UUIDs. */
  groupOptions?: { value: string; label: string }[];
  schema: JsonSchema;
  value: FormValue;
  onChange: (next: FormValue) => void;
  disabled?: boolean;
  idPrefix?: string;
  /** A property rendered by the caller (a union's discriminator). */
  omit?: string;
}) {
  const resolved = resolveSchema(document, schema);
  const required = new Set(resolved.required ?? []);
  return (
    <Stack gap="sm">
      {Object.entries(resolved.properties ?? {}).map(([name, raw]) => {
        if (name === omit) return null;
        const field = resolveSchema(document, raw);
        const set = (next: unknown) => onChange({ ...value, [name]: next });
        const common = { label: title(name), description: field.description, required: required.has(name), disabled, id: `${idPrefix}${name}` };
        const current = value[name];
        const variants = unionVariants(document, field);
        if (variants.length > 0) {
          // A union chosen by its discriminator (the sync settings' upstream by `kind`): a select of
          // the variants, then the chosen variant's own fields.
          const key = field.discriminator!.propertyName;
          const union = (current as FormValue) ?? {};
          const chosen = variants.find((v) => v.value === union[key]);
          return (
            <Fieldset key={name} legend={title(name)} disabled={disabled}>
              <Stack gap="sm">
                <Select
                  label={title(key)}
                  description={field.description}
                  required
                  disabled={disabled}
                  id={`${idPrefix}${name}.${key}`}
                  data={variants.map((v) => ({ value: v.value, label: v.value }))}
                  value={chosen?.value ?? null}
                  onChange={(v) => set(v ? pickUnionVariant(document, field, { ...union, [key]: v }) : undefined)}
                />
                {chosen && (
                  <SchemaFields document={document} schema={chosen.schema} omit={key} value={union} onChange={set} disabled={disabled} idPrefix={`${idPrefix}${name}.`} groupOptions={groupOptions} />
                )}
              </Stack>
            </Fieldset>
          );
        }
        const items = field.type === 'array' && field.items ? resolveSchema(document, field.items) : undefined;
        if (items?.properties) {
          // An array of objects (an apt upstream's sources): one fieldset per element.
          const list = (current as FormValue[] | undefined) ?? [];
          const singular = title(name).replace(/s$/, '');
          return (
            <Fieldset key={name} legend={`${title(name)}${required.has(name) ? ' (required)' : ''}`} disabled={disabled}>
              <Stack gap="sm">
                {field.description && <Text size="xs" c="dimmed">{field.description}</Text>}
                {list.map((element, i) => (
                  <Fieldset key={i} legend={`${singular} ${i + 1}`} variant="filled">
                    <Stack gap="sm">
                      <SchemaFields document={document} schema={items} value={element} onChange={(next) => set(list.map((e, j) => (j === i ? next : e)))} disabled={disabled} idPrefix={`${idPrefix}${name}.${i}.`} groupOptions={groupOptions} />
                      <Group>
                        <Button variant="subtle" color="red" size="compact-sm" onClick={() => set(list.filter((_, j) => j !== i))}>
                          Remove {singular.toLowerCase()} {i + 1}
                        </Button>
                      </Group>
                    </Stack>
                  </Fieldset>
                ))}
                <Group>
                  <Button variant="default" size="compact-sm" id={`${idPrefix}${name}.add`} onClick={() => set([...list, {}])}>
                    Add {singular.toLowerCase()}
                  </Button>
                </Group>
              </Stack>
            </Fieldset>
          );
        }
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
        if ((field.maxLength ?? 0) > 4096 || LONG_TEXT_FIELDS.has(name)) {
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
