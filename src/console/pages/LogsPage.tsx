import { Alert, Button, Code, Group, Paper, Select, SimpleGrid, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';
import { api, call, type Schemas } from '../api/client';
import { groupLabel, useGroups } from '../api/groups';
import type { ApprovalLogEntry, Page } from '../api/models';
import { queryEnum, useOpenApi } from '../api/openapi-document';
import { DataTable, PageControls, useCursorPages } from '../components/DataTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';
import { MaintenanceRunsTable } from './MaintenancePage';

type LogPath = '/api/v1/audit/approvals' | '/api/v1/audit/events' | '/api/v1/audit/sync-runs';
type Filter = Record<string, string | undefined>;

/** A datetime-local value (the viewer's zone) as the UTC instant the API takes. */
const toInstant = (local: string | undefined) => (local ? new Date(local).toISOString() : undefined);

/** The query the API gets: empty filters left out, times as UTC instants. */
function apiQuery(filter: Filter): Filter {
  const query: Filter = {};
  for (const [name, value] of Object.entries(filter)) if (value) query[name] = name === 'from' || name === 'to' ? toInstant(value) : value;
  return query;
}

/** Downloads exactly the filtered selection (the API streams every matching entry) as `format`. */
async function exportLog(path: LogPath, filter: Filter, format: 'csv' | 'ndjson', name: string): Promise<void> {
  const text = await call<string>(api.GET(path, { params: { query: { ...apiQuery(filter), format } as never }, parseAs: 'text' }));
  const url = URL.createObjectURL(new Blob([text], { type: format === 'csv' ? 'text/csv' : 'application/x-ndjson' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = `${name}.${format}`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function ExportButtons({ path, filter, name }: { path: LogPath; filter: Filter; name: string }) {
  const run = useMutation({ mutationFn: (format: 'csv' | 'ndjson') => exportLog(path, filter, format, name) });
  return (
    <Group gap="xs">
      <Button size="xs" variant="default" onClick={() => run.mutate('csv')} loading={run.isPending && run.variables === 'csv'}>
        Export CSV
      </Button>
      <Button size="xs" variant="default" onClick={() => run.mutate('ndjson')} loading={run.isPending && run.variables === 'ndjson'}>
        Export NDJSON
      </Button>
      <ProblemAlert error={run.error} title="Export failed" />
    </Group>
  );
}

function LogTable<T>({ path, filter, columns, rowId, caption, name, filters }: {
  path: LogPath;
  filter: Filter;
  columns: ColumnDef<T, unknown>[];
  rowId: (row: T) => string;
  caption: string;
  name: string;
  filters: ReactNode;
}) {
  const query = apiQuery(filter);
  const pages = useCursorPages(JSON.stringify(query));
  const log = useQuery({
    queryKey: [path === '/api/v1/audit/approvals' ? 'approval-log' : path, query, pages.cursor],
    queryFn: () => call<Page<T>>(api.GET(path, { params: { query: { ...query, cursor: pages.cursor, limit: 50 } as never } })),
  });
  return (
    <Stack>
      <Paper withBorder p="md">
        <Stack>
          <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" role="search" aria-label={`Filter the ${caption}`}>
            {filters}
          </SimpleGrid>
          <ExportButtons path={path} filter={filter} name={name} />
        </Stack>
      </Paper>
      <ProblemAlert error={log.error} />
      <Paper withBorder p="xs">
        <DataTable caption={caption} data={log.data?.items ?? []} columns={columns} rowId={rowId} loading={log.isLoading} empty="No entry matches these filters." />
        <PageControls pages={pages} nextCursor={log.data?.nextCursor} label={caption} />
      </Paper>
    </Stack>
  );
}

function useFilter(initial: Filter = { order: 'desc' }) {
  const [filter, setFilter] = useState<Filter>(initial);
  const field = (name: string) => ({
    value: filter[name] ?? '',
    onChange: (e: { currentTarget: { value: string } }) => setFilter({ ...filter, [name]: e.currentTarget.value || undefined }),
  });
  const select = (name: string) => ({ value: filter[name] ?? null, onChange: (v: string | null) => setFilter({ ...filter, [name]: v ?? undefined }) });
  return { filter, field, select };
}

const ORDER = [
  { value: 'desc', label: 'newest first' },
  { value: 'asc', label: 'oldest first' },
];

function TimeFilters({ field }: { field: ReturnType<typeof useFilter>['field'] }) {
  return (
    <>
      <TextInput type="datetime-local" label="From (your time zone)" {...field('from')} />
      <TextInput type="datetime-local" label="To (your time zone)" {...field('to')} />
    </>
  );
}

function ApprovalLog() {
  const groups = useGroups();
  const byId = new Map((groups.data ?? []).map((g) => [g.id, g]));
  const { filter, field, select } = useFilter();
  const columns: ColumnDef<ApprovalLogEntry, unknown>[] = [
    { header: 'Seq', accessorKey: 'seq' },
    { header: 'At', accessorKey: 'at', cell: (c) => <Time value={c.row.original.at} /> },
    { header: 'Actor', id: 'actor', accessorFn: (e) => `${e.actorName}${e.actorRole ? ` (${e.actorRole})` : ''}` },
    { header: 'Update', id: 'update', accessorFn: (e) => e.updateTitle ?? e.updateId },
    { header: 'Group', id: 'group', accessorFn: (e) => e.groupName ?? (e.groupId ? e.groupId : 'all groups') },
    { header: 'Change', id: 'change', accessorFn: (e) => `${e.previousDecision} → ${e.newDecision}` },
    { header: 'Deadline', accessorKey: 'deadline', cell: (c) => <Time value={c.row.original.deadline} /> },
    { header: 'Source', accessorKey: 'source' },
    { header: 'Reason', accessorKey: 'reason', cell: (c) => c.row.original.reason ?? '' },
  ];
  return (
    <LogTable
      path="/api/v1/audit/approvals"
      filter={filter}
      columns={columns}
      rowId={(e) => String(e.seq)}
      caption="Approval log"
      name="approval-log"
      filters={
        <>
          <Select label="Group" searchable clearable placeholder="any" data={(groups.data ?? []).map((g) => ({ value: g.id, label: groupLabel(g, byId) }))} {...select('groupId')} />
          <TextInput label="Update id" maxLength={36} {...field('updateId')} />
          <TextInput label="Actor (name or id)" maxLength={100} {...field('actor')} />
          <Select label="Order" data={ORDER} {...select('order')} />
          <TimeFilters field={field} />
        </>
      }
    />
  );
}

function AdminEvents() {
  const openApi = useOpenApi();
  const { filter, field, select } = useFilter();
  type AuditEvent = { id: string; at: string; actorName: string | null; actorRole: string | null; action: string; targetType: string | null; targetId: string | null; result: string; statusCode: number | null; clientIp: string | null };
  const eventColumns: ColumnDef<AuditEvent, unknown>[] = [
    { header: 'At', accessorKey: 'at', cell: (c) => <Time value={c.row.original.at} /> },
    { header: 'Actor', id: 'actor', accessorFn: (e) => `${e.actorName ?? '—'}${e.actorRole ? ` (${e.actorRole})` : ''}` },
    { header: 'Action', accessorKey: 'action' },
    { header: 'Target', id: 'target', accessorFn: (e) => [e.targetType, e.targetId].filter(Boolean).join(' ') },
    { header: 'Result', accessorKey: 'result', cell: (c) => <StatusBadge value={c.row.original.result} /> },
    { header: 'Status', accessorKey: 'statusCode' },
    { header: 'IP', accessorKey: 'clientIp' },
  ];
  return (
    <LogTable
      path="/api/v1/audit/events"
      filter={filter}
      columns={eventColumns}
      rowId={(e) => e.id}
      caption="Admin events"
      name="admin-events"
      filters={
        <>
          <TextInput label="Actor (name or id)" maxLength={100} {...field('actor')} />
          <TextInput label="Action" placeholder="POST /api/v1/groups" maxLength={200} {...field('action')} />
          <TextInput label="Target type" maxLength={64} {...field('targetType')} />
          <Select label="Result" clearable placeholder="any" data={queryEnum(openApi.data, '/api/v1/audit/events', 'result')} {...select('result')} />
          <Select label="Order" data={ORDER} {...select('order')} />
          <TimeFilters field={field} />
        </>
      }
    />
  );
}

function SyncRunLog() {
  const openApi = useOpenApi();
  const { filter, field, select } = useFilter();
  type Entry = { id: string; queuedAt: string; status: string; trigger: string; upstreamKind: string; newUpdates: number; revisedUpdates: number; expiredUpdates: number; itemErrorCount: number; error: string | null };
  const columns: ColumnDef<Entry, unknown>[] = [
    { header: 'Queued', accessorKey: 'queuedAt', cell: (c) => <Time value={c.row.original.queuedAt} /> },
    { header: 'Status', accessorKey: 'status', cell: (c) => <StatusBadge value={c.row.original.status} /> },
    { header: 'Trigger', accessorKey: 'trigger' },
    { header: 'Upstream', accessorKey: 'upstreamKind' },
    { header: 'New', accessorKey: 'newUpdates' },
    { header: 'Revised', accessorKey: 'revisedUpdates' },
    { header: 'Expired', accessorKey: 'expiredUpdates' },
    { header: 'Item errors', accessorKey: 'itemErrorCount' },
    { header: 'Error', accessorKey: 'error', cell: (c) => c.row.original.error ?? '' },
  ];
  return (
    <LogTable
      path="/api/v1/audit/sync-runs"
      filter={filter}
      columns={columns}
      rowId={(e) => e.id}
      caption="Sync runs"
      name="sync-runs"
      filters={
        <>
          <Select label="Status" clearable placeholder="any" data={queryEnum(openApi.data, '/api/v1/audit/sync-runs', 'status')} {...select('status')} />
          <Select label="Order" data={ORDER} {...select('order')} />
          <TimeFilters field={field} />
        </>
      }
    />
  );
}

function ChainVerification() {
  const verify = useMutation({ mutationFn: () => call<Schemas['ChainVerificationDto']>(api.GET('/api/v1/audit/verify')) });
  const head = useQuery({ queryKey: ['approval-head'], queryFn: () => call<Schemas['ChainHeadDto']>(api.GET('/api/v1/audit/approvals/head')) });
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h4">
            Approval-log chain
          </Title>
          <Button size="xs" onClick={() => verify.mutate()} loading={verify.isPending}>
            Verify the chain
          </Button>
        </Group>
        <Text size="sm">
          Newest entry: {head.data?.seq ?? 'none'} {head.data?.hash && <Code>{head.data.hash}</Code>}
        </Text>
        <ProblemAlert error={verify.error} />
        {verify.data && (
          <Alert color={verify.data.ok ? 'green' : 'red'} title={verify.data.ok ? 'The chain is intact' : 'The chain is broken'} role="status" data-testid="chain-result">
            {verify.data.checked} entries checked{verify.data.firstBrokenSeq !== null ? `; first broken entry: ${verify.data.firstBrokenSeq}` : ''}.
          </Alert>
        )}
      </Stack>
    </Paper>
  );
}

/** For auditors: the four logs with the API's filters, exports of exactly the filtered selection, and the chain check. */
export function LogsPage() {
  return (
    <Stack>
      <Title order={1} size="h2">
        Logs
      </Title>
      <ChainVerification />
      <Tabs defaultValue="approvals" keepMounted={false}>
        <Tabs.List>
          <Tabs.Tab value="approvals">Approval log</Tabs.Tab>
          <Tabs.Tab value="events">Admin events</Tabs.Tab>
          <Tabs.Tab value="sync">Sync runs</Tabs.Tab>
          <Tabs.Tab value="maintenance">Maintenance runs</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="approvals" pt="md">
          <ApprovalLog />
        </Tabs.Panel>
        <Tabs.Panel value="events" pt="md">
          <AdminEvents />
        </Tabs.Panel>
        <Tabs.Panel value="sync" pt="md">
          <SyncRunLog />
        </Tabs.Panel>
        <Tabs.Panel value="maintenance" pt="md">
          <MaintenanceRunsTable />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
