import { Alert, Button, Code, Drawer, Group, List, Loader, Paper, Progress, Select, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useState } from 'react';
import { api, ApiError, call } from '../api/client';
import type { Page, SyncConfig, SyncRun } from '../api/models';
import { queryEnum, resolveSchema, useOpenApi } from '../api/openapi-document';
import { useCan } from '../auth/access';
import { DataTable, PageControls, useCursorPages } from '../components/DataTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { type FormValue, pickUnionVariant, SchemaFields } from '../components/SchemaFields';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';

const live = (run: SyncRun) => run.status === 'queued' || run.status === 'running';

/** Pages and items read so far; the bar fills by pages against the pages read by the last finished run, when known. */
export function SyncProgress({ run, expectedPages }: { run: SyncRun; expectedPages?: number }) {
  const { pagesProcessed, itemsProcessed, itemsFiltered } = run.progress;
  const known = expectedPages && expectedPages > 0;
  const percent = known ? Math.min(99, Math.round((pagesProcessed / expectedPages) * 100)) : 100;
  const label = `${pagesProcessed} pages, ${itemsProcessed} items read, ${itemsFiltered} filtered out`;
  return (
    <Stack gap={2} data-testid="sync-progress" data-items={itemsProcessed} data-pages={pagesProcessed}>
      <Progress value={percent} animated striped size="lg" aria-label={`Sync progress: ${label}`} />
      <Text size="xs">{label}</Text>
    </Stack>
  );
}

function SyncConfigForm() {
  const queryClient = useQueryClient();
  const openApi = useOpenApi();
  const config = useQuery({ queryKey: ['sync-config'], queryFn: () => call<SyncConfig>(api.GET('/api/v1/sync/config')) });
  const [form, setForm] = useState<FormValue | null>(null);
  useEffect(() => {
    if (config.data && openApi.data && form === null) {
      const { upstream, schedule, products, classifications } = config.data;
      // The stored upstream as its kind's request accepts it (the view adds `hasToken`, apt's key
      // fingerprints and a `url` apt does not take; the keyring and tokens are never returned).
      const union = resolveSchema(openApi.data, { $ref: '#/components/schemas/PutSyncConfigDto' }).properties?.upstream ?? {};
      setForm({ upstream: upstream ? pickUnionVariant(openApi.data, union, upstream) : {}, schedule, products, classifications });
    }
  }, [config.data, openApi.data, form]);
  const save = useMutation({
    mutationFn: (body: FormValue) => call<SyncConfig>(api.PUT('/api/v1/sync/config', { body: body as never })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['sync-config'] }),
  });
  if (!openApi.data || !form) return <Loader size="sm" aria-label="Loading the sync settings" />;
  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(form);
        }}
        aria-labelledby="sync-settings-title"
      >
        <Stack>
          <Title order={2} size="h4" id="sync-settings-title">
            Upstream and schedule
          </Title>
          <Text size="sm" c="dimmed">
            {config.data?.upstream?.hasToken ? 'A token is stored (leave the token empty to keep it).' : 'No upstream token stored.'} Next scheduled sync: <Time value={config.data?.nextRunAt} />
          </Text>
          <SchemaFields document={openApi.data} schema={{ $ref: '#/components/schemas/PutSyncConfigDto' }} value={form} onChange={setForm} idPrefix="sync-" />
          <ProblemAlert error={save.error} />
          {save.isSuccess && <Alert color="green">Saved.</Alert>}
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save settings
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}

function RunDetail({ id, onClose }: { id: string | null; onClose: () => void }) {
  const run = useQuery({
    queryKey: ['sync-run', id],
    queryFn: () => call<SyncRun>(api.GET('/api/v1/sync/runs/{id}', { params: { path: { id: id! } } })),
    enabled: !!id,
    refetchInterval: (query) => (query.state.data && live(query.state.data) ? 1000 : false),
  });
  const data = run.data;
  return (
    <Drawer opened={!!id} onClose={onClose} position="right" size="lg" title="Sync run">
      {data && (
        <Stack>
          <Group>
            <StatusBadge value={data.status} /> <Text size="sm">{data.upstream.kind}: {data.upstream.url}</Text>
          </Group>
          {live(data) && <SyncProgress run={data} />}
          <Text size="sm">
            Queued <Time value={data.queuedAt} />, started <Time value={data.startedAt} />, finished <Time value={data.finishedAt} />
          </Text>
          <Text size="sm">
            {data.newUpdates} new, {data.revisedUpdates} revised, {data.expiredUpdates} expired, {data.unchangedUpdates} unchanged; {data.itemErrorCount} item errors
          </Text>
          {data.error && <Alert color="red" title="Why it failed">{data.error}</Alert>}
          {(data.itemErrors ?? []).length > 0 && (
            <>
              <Title order={3} size="h5">
                Item errors
              </Title>
              <List size="sm">
                {(data.itemErrors ?? []).map((e, i) => (
                  <List.Item key={i}>
                    <Code>{e.updateId ?? '(no id)'}</Code> {e.reason}
                  </List.Item>
                ))}
              </List>
            </>
          )}
        </Stack>
      )}
    </Drawer>
  );
}

export function SyncRunsTable({ title = 'Sync log' }: { title?: string }) {
  const openApi = useOpenApi();
  const [status, setStatus] = useState<string | null>(null);
  const pages = useCursorPages(status ?? '');
  const [open, setOpen] = useState<string | null>(null);
  const runs = useQuery({
    queryKey: ['sync-runs', status, pages.cursor],
    queryFn: () => call<Page<SyncRun>>(api.GET('/api/v1/sync/runs', { params: { query: { status: (status ?? undefined) as never, cursor: pages.cursor, limit: 25 } } })),
    refetchInterval: (query) => (query.state.data?.items.some(live) ? 1000 : false),
  });
  const lastPages = runs.data?.items.find((r) => r.status === 'succeeded')?.progress.pagesProcessed;
  const columns: ColumnDef<SyncRun, unknown>[] = [
    { header: 'Queued', accessorKey: 'queuedAt', cell: (c) => <Time value={c.row.original.queuedAt} /> },
    { header: 'Status', accessorKey: 'status', cell: (c) => <StatusBadge value={c.row.original.status} /> },
    { header: 'Trigger', accessorKey: 'trigger' },
    { header: 'Upstream', id: 'upstream', accessorFn: (r) => r.upstream.kind },
    {
      header: 'Result',
      id: 'result',
      enableSorting: false,
      cell: ({ row: { original: r } }) =>
        live(r) ? (
          <SyncProgress run={r} expectedPages={lastPages} />
        ) : (
          <Text size="sm">
            {r.newUpdates} new, {r.revisedUpdates} revised, {r.expiredUpdates} expired, {r.itemErrorCount} errors
          </Text>
        ),
    },
    {
      header: 'Details',
      id: 'details',
      enableSorting: false,
      cell: (c) => (
        <Button size="compact-xs" variant="subtle" onClick={() => setOpen(c.row.original.id)} aria-label={`Details of the sync run queued ${c.row.original.queuedAt}`}>
          Details
        </Button>
      ),
    },
  ];
  return (
    <Paper withBorder p="md">
      <Stack>
        <Group justify="space-between">
          <Title order={2} size="h4">
            {title}
          </Title>
          <Select label="Status" data={queryEnum(openApi.data, '/api/v1/sync/runs', 'status')} value={status} onChange={setStatus} clearable placeholder="any" w={160} />
        </Group>
        <ProblemAlert error={runs.error} />
        <DataTable caption="Sync runs, newest first" data={runs.data?.items ?? []} columns={columns} rowId={(r) => r.id} loading={runs.isLoading} empty="No sync has run yet." />
        <PageControls pages={pages} nextCursor={runs.data?.nextCursor} label="Sync log" />
      </Stack>
      <RunDetail id={open} onClose={() => setOpen(null)} />
    </Paper>
  );
}

export function SyncPage() {
  const canConfigure = useCan('configureSync');
  const queryClient = useQueryClient();
  const start = useMutation({
    mutationFn: () => call<{ id: string; status: string }>(api.POST('/api/v1/sync/runs')),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['sync-runs'] }),
  });
  const conflict = start.error instanceof ApiError && start.error.status === 409;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Sync
        </Title>
        {canConfigure && (
          <Button onClick={() => start.mutate()} loading={start.isPending}>
            Start a sync now
          </Button>
        )}
      </Group>
      {conflict ? <Alert color="yellow">A sync is already running: its progress is in the log below.</Alert> : <ProblemAlert error={start.error} />}
      {start.isSuccess && <Alert color="green">Sync queued.</Alert>}
      <SyncRunsTable />
      {canConfigure && <SyncConfigForm />}
    </Stack>
  );
}
