import { Anchor, Button, Group, Paper, Select, SimpleGrid, Stack, TextInput, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ColumnDef, RowSelectionState } from '@tanstack/react-table';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { api, call } from '../api/client';
import type { Page, UpdateSummary } from '../api/models';
import { queryEnum, useOpenApi } from '../api/openapi-document';
import { useCan } from '../auth/access';
import { DataTable, PageControls, useCursorPages } from '../components/DataTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';
import { ApproveDialog } from './ApproveDialog';

const YES_NO = [
  { value: 'true', label: 'yes' },
  { value: 'false', label: 'no' },
];

const FILTERS = ['classification', 'severity', 'product', 'q', 'approved', 'declined', 'state', 'baseline'] as const;

/**
 * The catalog with the API's filters (kept in the address, so a filtered view can be linked),
 * one page of up to 100 updates at a time by the API's cursor; select rows to approve them.
 */
export function UpdatesPage() {
  const openApi = useOpenApi();
  const canApprove = useCan('approve');
  const [params, setParams] = useSearchParams();
  const filter = Object.fromEntries(FILTERS.map((f) => [f, params.get(f) ?? undefined])) as Record<(typeof FILTERS)[number], string | undefined>;
  const [text, setText] = useState(filter.q ?? '');
  const [product, setProduct] = useState(filter.product ?? '');
  const [debouncedText] = useDebouncedValue(text, 300);
  const [debouncedProduct] = useDebouncedValue(product, 300);
  const query = { ...filter, q: debouncedText || undefined, product: debouncedProduct || undefined };
  const pages = useCursorPages(JSON.stringify(query));
  const [selected, setSelected] = useState<RowSelectionState>({});
  const [approving, setApproving] = useState(false);
  const updates = useQuery({
    queryKey: ['updates', query, pages.cursor],
    queryFn: () =>
      call<Page<UpdateSummary>>(
        api.GET('/api/v1/updates', {
          params: {
            query: {
              classification: query.classification as never,
              severity: query.severity as never,
              state: query.state as never,
              product: query.product,
              q: query.q,
              approved: query.approved === undefined ? undefined : query.approved === 'true',
              declined: query.declined === undefined ? undefined : query.declined === 'true',
              baseline: query.baseline === undefined ? undefined : query.baseline === 'true',
              cursor: pages.cursor,
              limit: 100,
            },
          },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  const setFilter = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  // Selection survives paging: the titles of selected rows are kept with their ids.
  const [titles, setTitles] = useState<Record<string, string>>({});
  const onSelect = (next: RowSelectionState) => {
    const known = { ...titles };
    for (const u of updates.data?.items ?? []) known[u.updateId] = u.title;
    setTitles(known);
    setSelected(next);
  };
  const chosen = Object.keys(selected)
    .filter((id) => selected[id])
    .map((updateId) => ({ updateId, title: titles[updateId] ?? updateId }));

  const columns: ColumnDef<UpdateSummary, unknown>[] = [
    {
      header: 'Title',
      accessorKey: 'title',
      cell: (c) => (
        <Anchor component={Link} to={`/updates/${c.row.original.updateId}`} size="sm" display="block" miw={220}>
          {c.row.original.title}
        </Anchor>
      ),
    },
    { header: 'KB', id: 'kb', accessorFn: (u) => u.kb.join(', ') },
    { header: 'Classification', accessorKey: 'classification' },
    { header: 'Severity', accessorKey: 'severity', cell: (c) => c.row.original.severity ?? '—' },
    { header: 'Products', id: 'products', accessorFn: (u) => u.products.join(', ') },
    { header: 'Baseline', id: 'baseline', accessorFn: (u) => (u.baseline ? 'baseline' : '') },
    { header: 'Released', accessorKey: 'releasedAt', cell: (c) => <Time value={c.row.original.releasedAt} /> },
    {
      header: 'State',
      id: 'state',
      accessorFn: (u) => (u.declined ? 'declined' : u.state),
      cell: (c) => (c.row.original.declined ? <StatusBadge value="decline" /> : c.row.original.state),
    },
  ];
  const doc = openApi.data;
  return (
    <Stack>
      <Group justify="space-between">
        <Title order={1} size="h2">
          Updates
        </Title>
        {canApprove && (
          <Button disabled={chosen.length === 0} onClick={() => setApproving(true)}>
            Approve selected ({chosen.length})
          </Button>
        )}
      </Group>
      <Paper withBorder p="md">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" role="search" aria-label="Filter updates">
          <TextInput label="Text, KB or CVE" value={text} maxLength={200} onChange={(e) => setText(e.currentTarget.value)} onBlur={() => setFilter('q', text || null)} />
          <TextInput label="Product" placeholder="Windows/Windows 11" value={product} maxLength={200} onChange={(e) => setProduct(e.currentTarget.value)} onBlur={() => setFilter('product', product || null)} />
          <Select label="Classification" data={queryEnum(doc, '/api/v1/updates', 'classification')} value={filter.classification ?? null} onChange={(v) => setFilter('classification', v)} clearable placeholder="any" />
          <Select label="Severity" data={queryEnum(doc, '/api/v1/updates', 'severity')} value={filter.severity ?? null} onChange={(v) => setFilter('severity', v)} clearable placeholder="any" />
          <Select label="Approved for a group" data={YES_NO} value={filter.approved ?? null} onChange={(v) => setFilter('approved', v)} clearable placeholder="any" />
          <Select label="Declined" data={YES_NO} value={filter.declined ?? null} onChange={(v) => setFilter('declined', v)} clearable placeholder="any" />
          <Select label="State" data={queryEnum(doc, '/api/v1/updates', 'state')} value={filter.state ?? null} onChange={(v) => setFilter('state', v)} clearable placeholder="any" />
          <Select label="APT baseline" data={YES_NO} value={filter.baseline ?? null} onChange={(v) => setFilter('baseline', v)} clearable placeholder="any" />
        </SimpleGrid>
      </Paper>
      <ProblemAlert error={updates.error} />
      <Paper withBorder p="xs">
        <DataTable
          caption="Updates, newest release first"
          data={updates.data?.items ?? []}
          columns={columns}
          rowId={(u) => u.updateId}
          loading={updates.isLoading}
          selection={canApprove ? { selected, onChange: onSelect, label: (u) => u.title } : undefined}
          empty="No update matches these filters."
        />
        <PageControls pages={pages} nextCursor={updates.data?.nextCursor} label="Updates" />
      </Paper>
      {canApprove && (
        <ApproveDialog
          updates={chosen}
          opened={approving}
          onClose={() => {
            setApproving(false);
            setSelected({});
          }}
        />
      )}
    </Stack>
  );
}
