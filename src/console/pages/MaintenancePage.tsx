import { Alert, Button, Group, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useState } from 'react';
import { api, ApiError, call } from '../api/client';
import type { Page } from '../api/models';
import { useOpenApi } from '../api/openapi-document';
import { useCan } from '../auth/access';
import { DataTable, PageControls, useCursorPages } from '../components/DataTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { type FormValue, SchemaFields } from '../components/SchemaFields';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';

/** src/modules/maintenance/dto/maintenance-run.dto.ts MaintenanceRunDto */
interface MaintenanceRun {
  id: string;
  trigger: string;
  status: string;
  requestedBy: string | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  tasks: { task: string; enabled: boolean; done: boolean; count: number }[];
  error: string | null;
}

export function MaintenanceRunsTable() {
  const pages = useCursorPages('');
  const runs = useQuery({
    queryKey: ['maintenance-runs', pages.cursor],
    queryFn: () => call<Page<MaintenanceRun>>(api.GET('/api/v1/maintenance/runs', { params: { query: { cursor: pages.cursor, limit: 25 } } })),
    refetchInterval: (q) => (q.state.data?.items.some((r) => r.status === 'queued' || r.status === 'running') ? 2000 : false),
  });
  const columns: ColumnDef<MaintenanceRun, unknown>[] = [
    { header: 'Queued', accessorKey: 'queuedAt', cell: (c) => <Time value={c.row.original.queuedAt} /> },
    { header: 'Status', accessorKey: 'status', cell: (c) => <StatusBadge value={c.row.original.status} /> },
    { header: 'Trigger', accessorKey: 'trigger' },
    { header: 'Finished', accessorKey: 'finishedAt', cell: (c) => <Time value={c.row.original.finishedAt} /> },
    { header: 'Tasks', id: 'tasks', enableSorting: false, cell: (c) => c.row.original.tasks.filter((t) => t.enabled).map((t) => `${t.task}: ${t.count}`).join(', ') },
    { header: 'Error', accessorKey: 'error', cell: (c) => c.row.original.error ?? '' },
  ];
  return (
    <Paper withBorder p="xs">
      <Title order={2} size="h4" p="xs">
        Runs
      </Title>
      <ProblemAlert error={runs.error} />
      <DataTable caption="Maintenance runs, newest first" data={runs.data?.items ?? []} columns={columns} rowId={(r) => r.id} loading={runs.isLoading} empty="No maintenance run yet." />
      <PageControls pages={pages} nextCursor={runs.data?.nextCursor} label="Maintenance runs" />
    </Paper>
  );
}

function MaintenanceConfigForm() {
  const openApi = useOpenApi();
  const queryClient = useQueryClient();
  const config = useQuery({ queryKey: ['maintenance-config'], queryFn: () => call<FormValue & { nextRunAt: string | null }>(api.GET('/api/v1/maintenance/config')) });
  const [form, setForm] = useState<FormValue | null>(null);
  useEffect(() => {
    if (config.data && form === null) {
      const { nextRunAt: _next, updatedAt: _at, updatedBy: _by, ...settings } = config.data;
      setForm(settings);
    }
  }, [config.data, form]);
  const save = useMutation({
    mutationFn: (body: FormValue) => call<unknown>(api.PUT('/api/v1/maintenance/config', { body: body as never })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['maintenance-config'] }),
  });
  if (!openApi.data || !form) return <Loader size="sm" aria-label="Loading the maintenance settings" />;
  return (
    <Paper withBorder p="md">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(form);
        }}
      >
        <Stack>
          <Title order={2} size="h4">
            Settings
          </Title>
          <Text size="sm">
            Next scheduled run: <Time value={config.data?.nextRunAt} />
          </Text>
          <SchemaFields document={openApi.data} schema={{ $ref: '#/components/schemas/PutMaintenanceConfigDto' }} value={form} onChange={setForm} idPrefix="maintenance-" />
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

export function MaintenancePage() {
  const canConfigure = useCan('configureMaintenance');
  const queryClient = useQueryClient();
  const start = useMutation({
    mutationFn: () => call<unknown>(api.POST('/api/v1/maintenance/runs')),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['maintenance-runs'] }),
  });
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Maintenance
        </Title>
        {canConfigure && (
          <Button onClick={() => start.mutate()} loading={start.isPending}>
            Start a run now
          </Button>
        )}
      </Group>
      {start.error instanceof ApiError && start.error.status === 409 ? <Alert color="yellow">A run is already in progress.</Alert> : <ProblemAlert error={start.error} />}
      <MaintenanceRunsTable />
      {canConfigure && <MaintenanceConfigForm />}
    </Stack>
  );
}
