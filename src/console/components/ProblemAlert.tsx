import { Alert, List } from '@mantine/core';
import { ApiError } from '../api/client';

/** An API error as the problem details say it (validation errors listed). */
export function ProblemAlert({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const problem = error instanceof ApiError ? error.problem : null;
  const status = error instanceof ApiError ? error.status : null;
  const errors = problem?.errors ?? [];
  return (
    <Alert color="red" title={title ?? (status ? `${problem?.title ?? 'Error'} (${status})` : 'Error')} role="alert">
      {error instanceof Error ? error.message : String(error)}
      {errors.length > 0 && (
        <List size="sm" mt="xs">
          {errors.map((e, i) => (
            <List.Item key={i}>{typeof e === 'string' ? e : `${e.field ?? ''} ${e.message ?? ''}`}</List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}
