import { Badge } from '@mantine/core';

const COLORS: Record<string, string> = {
  succeeded: 'green',
  failed: 'red',
  running: 'blue',
  queued: 'gray',
  stored: 'green',
  pending: 'yellow',
  install: 'green',
  uninstall: 'orange',
  decline: 'red',
  none: 'gray',
  success: 'green',
  denied: 'red',
  failure: 'red',
  offered: 'green',
  declined: 'red',
  declined_globally: 'red',
  expired: 'gray',
  needs_review: 'yellow',
  content_pending: 'yellow',
  content_failed: 'red',
};

/** A status word with a coloured dot; the word itself carries the meaning (colour is never the only cue). */
export function StatusBadge({ value }: { value: string | null | undefined }) {
  if (!value) return <span>—</span>;
  return (
    // The dot carries the colour; the text keeps the page's own text colour (AA contrast in both schemes).
    <Badge color={COLORS[value] ?? 'gray'} variant="dot">
      {value}
    </Badge>
  );
}
