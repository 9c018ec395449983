import { Alert, Button, Code, Group, Loader, Modal, Paper, Stack, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState } from 'react';
import { api, call } from '../api/client';
import { groupLabel, useGroups } from '../api/groups';
import type { Page } from '../api/models';
import { useOpenApi } from '../api/openapi-document';
import { DataTable, PageControls, useCursorPages } from './DataTable';
import { ProblemAlert } from './ProblemAlert';
import { type FormValue, SchemaFields } from './SchemaFields';

type ListPath = '/api/v1/users' | '/api/v1/api-tokens' | '/api/v1/enrollment-keys' | '/api/v1/downstream-tokens' | '/api/v1/approval-rules';
type CreatePath = ListPath;
type DeletePath = '/api/v1/api-tokens/{id}' | '/api/v1/enrollment-keys/{id}' | '/api/v1/downstream-tokens/{id}' | '/api/v1/approval-rules/{id}';

/** Fields of a create answer that hold a secret shown once. */
const SECRET_FIELDS = ['token', 'key', 'enrollmentKey', 'accessToken'];

/**
 * A list the API pages by cursor, with a create form built from the request schema and, where
 * the API allows it, a delete button per row. Secrets in a create answer are shown once.
 */
export function ResourceList<T extends { id: string }>({ title, listPath, createPath, createSchema, deletePath, deleteLabel = 'Delete', canDelete, columns, canWrite, extraActions }: {
  title: string;
  listPath?: ListPath;
  createPath: CreatePath;
  createSchema: string;
  deletePath?: DeletePath;
  /** The delete button's text (e.g. `Revoke`). */
  deleteLabel?: string;
  /** Rows the delete button is shown for (e.g. tokens not yet revoked); all when left out. */
  canDelete?: (row: T) => boolean;
  columns: ColumnDef<T, unknown>[];
  canWrite: boolean;
  extraActions?: (row: T) => React.ReactNode;
}) {
  const queryClient = useQueryClient();
  const openApi = useOpenApi();
  const groups = useGroups();
  const byId = new Map((groups.data ?? []).map((g) => [g.id, g]));
  const groupOptions = (groups.data ?? []).map((g) => ({ value: g.id, label: groupLabel(g, byId) }));
  const pages = useCursorPages('');
  const list = useQuery({
    queryKey: [listPath, pages.cursor],
    queryFn: () => call<Page<T>>(api.GET(listPath!, { params: { query: { cursor: pages.cursor, limit: 100 } as never } })),
    enabled: !!listPath,
  });
  const [creating, setCreating] = useState(false);
  const [form, setForm] = useState<FormValue>({});
  const create = useMutation({
    mutationFn: () => call<Record<string, unknown>>(api.POST(createPath, { body: form as never })),
    onSuccess: () => {
      setCreating(false);
      setForm({});
      return queryClient.invalidateQueries({ queryKey: [listPath] });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => call<unknown>(api.DELETE(deletePath!, { params: { path: { id } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [listPath] }),
  });
  const secret = create.data ? SECRET_FIELDS.map((f) => create.data[f]).find((v) => typeof v === 'string') : undefined;
  const allColumns: ColumnDef<T, unknown>[] =
    canWrite && (deletePath || extraActions)
      ? [
          ...columns,
          {
            header: 'Actions',
            id: 'actions',
            enableSorting: false,
            cell: ({ row: { original } }) => (
              <Group gap={4} wrap="nowrap">
                {extraActions?.(original)}
                {deletePath && (canDelete?.(original) ?? true) && (
                  <Button size="compact-xs" color="red" variant="light" onClick={() => window.confirm(`${deleteLabel} it?`) && remove.mutate(original.id)}>
                    {deleteLabel}
                  </Button>
                )}
              </Group>
            ),
          },
        ]
      : columns;
  return (
    <Paper withBorder p="md">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            {title}
          </Title>
          {canWrite && (
            <Button size="xs" onClick={() => setCreating(true)}>
              New
            </Button>
          )}
        </Group>
        {secret && (
          <Alert color="green" title="Created: copy the secret now, it is shown only once">
            <Code block>{secret}</Code>
          </Alert>
        )}
        <ProblemAlert error={list.error ?? remove.error} />
        {listPath && (
          <>
            <DataTable caption={title} data={list.data?.items ?? []} columns={allColumns} rowId={(r) => r.id} loading={list.isLoading} />
            <PageControls pages={pages} nextCursor={list.data?.nextCursor} label={title} />
          </>
        )}
      </Stack>
      <Modal opened={creating} onClose={() => setCreating(false)} title={`New: ${title}`}>
        {openApi.data ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              create.mutate();
            }}
          >
            <Stack>
              <SchemaFields document={openApi.data} schema={{ $ref: `#/components/schemas/${createSchema}` }} value={form} onChange={setForm} groupOptions={groupOptions} idPrefix={`${createSchema}-`} />
              <ProblemAlert error={create.error} />
              <Group justify="flex-end">
                <Button type="submit" loading={create.isPending}>
                  Create
                </Button>
              </Group>
            </Stack>
          </form>
        ) : (
          <Loader size="sm" aria-label="Loading the form" />
        )}
      </Modal>
    </Paper>
  );
}
