/**
 * Debian control stanzas (deb822) as apt's Packages indexes hold them: `Field: value` lines,
 * continuation lines starting with a space or tab. Field order and values are kept byte for byte,
 * so a republished stanza differs from the upstream's only where Patchgate rewrites it.
 */
export interface ControlField {
  name: string;
  /** Everything after `Name:`, continuation lines included (with their newlines), leading space trimmed. */
  value: string;
}

export class StanzaFormatError extends Error {}

const MAX_STANZA_CHARS = 1_000_000;
const FIELD_NAME = /^[!-9;-~][!-9;-~]{0,99}$/;

export function parseStanza(text: string): ControlField[] {
  if (text.length > MAX_STANZA_CHARS) throw new StanzaFormatError('stanza too long');
  const fields: ControlField[] = [];
  for (const line of text.replace(/\n+$/, '').split('\n')) {
    if (line.startsWith(' ') || line.startsWith('\t')) {
      const last = fields[fields.length - 1];
      if (!last) throw new StanzaFormatError('continuation line before any field');
      last.value += `\n${line}`;
      continue;
    }
    if (line === '') throw new StanzaFormatError('blank line inside a stanza');
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!FIELD_NAME.test(name)) throw new StanzaFormatError(`bad field line: ${line.slice(0, 80)}`);
    fields.push({ name, value: line.slice(colon + 1).replace(/^[ \t]+/, '') });
  }
  if (fields.length === 0) throw new StanzaFormatError('empty stanza');
  return fields;
}

export function formatStanza(fields: ControlField[]): string {
  return fields.map((f) => (f.value.startsWith('\n') || f.value === '' ? `${f.name}:${f.value}` : `${f.name}: ${f.value}`)).join('\n') + '\n';
}

export function fieldValue(fields: ControlField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find((f) => f.name.toLowerCase() === lower)?.value;
}

/** Fields Patchgate removes from republished stanzas: the approval is the rollout control (docs/debian.md). */
const DROPPED_FIELDS = new Set(['phased-update-percentage']);

/**
 * The upstream stanza as Patchgate serves it: `Filename` pointing into Patchgate's pool and
 * `Phased-Update-Percentage` removed (apt would otherwise hold the update back on some machines).
 */
export function republishStanza(stanza: string, filename: string): string {
  const fields = parseStanza(stanza).filter((f) => !DROPPED_FIELDS.has(f.name.toLowerCase()));
  const at = fields.findIndex((f) => f.name.toLowerCase() === 'filename');
  if (at < 0) throw new StanzaFormatError('stanza has no Filename');
  fields[at] = { name: fields[at].name, value: filename };
  return formatStanza(fields);
}
