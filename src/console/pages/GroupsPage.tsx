import { Anchor, Button, Group as Row, Modal, Paper, Select, SimpleGrid, Stack, Switch, Text, TextInput, Title, UnstyledButton } from '@mantine/core';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef, RowSelectionState } from '@tanstack/react-table';
import { type FormEvent, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, call } from '../api/client';
import { groupLabel, useGroups } from '../api/groups';
import type { Computer, Group, GroupReport, Page } from '../api/models';
import { useCan } from '../auth/access';
import { DataTable, PageControls, useCursorPages } from '../components/DataTable';
import { ProblemAlert } from '../components/ProblemAlert';
import { Time } from '../components/Time';

type Dialog = { kind: 'create' } | { kind: 'edit'; group: Group } | { kind: 'move-computers'; ids: string[] } | null;

function GroupDialog({ dialog, groups, onClose }: { dialog: Dialog; groups: Group[]; onClose: () => void }) {
  const queryClient = useQueryClient();
  const byId = new Map(groups.map((g) => [g.id, g]));
  const editing = dialog?.kind === 'edit' ? dialog.group : null;
  const [name, setName] = useState(editing?.name ?? '');
  const [parentId, setParentId] = useState<string | null>(editing?.parentId ?? null);
  const save = useMutation({
    mutationFn: async () => {
      if (dialog?.kind === 'move-computers') {
        for (const id of dialog.ids) await call<unknown>(api.PUT('/api/v1/computers/{id}/group', { params: { path: { id } }, body: { groupId: parentId! } }));
        return;
      }
      if (editing) {
        await call<unknown>(api.PATCH('/api/v1/groups/{id}', { params: { path: { id: editing.id } }, body: { ...(name !== editing.name ? { name } : {}), ...(parentId && parentId !== editing.parentId ? { parentId } : {}) } }));
      } else {
        await call<unknown>(api.POST('/api/v1/groups', { body: { name, ...(parentId ? { parentId } : {}) } }));
      }
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ['groups'] });
      await queryClient.invalidateQueries({ queryKey: ['computers'] });
      onClose();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const moving = dialog?.kind === 'move-computers';
  // A group cannot move below itself.
  const targets = groups.filter((g) => !editing || !g.path.includes(editing.id)).map((g) => ({ value: g.id, label: groupLabel(g, byId) }));
  return (
    <Modal opened={!!dialog} onClose={onClose} title={moving ? `Move ${dialog.ids.length} computer(s)` : editing ? `Rename or move ${editing.name}` : 'New group'}>
      <form onSubmit={submit}>
        <Stack>
          {!moving && <TextInput label="Name" required maxLength={100} value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus />}
          <Select label={moving ? 'To group' : 'Parent group'} required={moving} searchable data={targets} value={parentId} onChange={setParentId} placeholder={moving ? undefined : 'All Computers'} />
          <ProblemAlert error={save.error} />
          <Row justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending} disabled={moving && !parentId}>
              Save
            </Button>
          </Row>
        </Stack>
      </form>
    </Modal>
  );
}

/** The group tree (create, rename, move, delete) beside the computers of the chosen group, paged by cursor. */
export function GroupsPage() {
  const canManage = useCan('manageGroups');
  const canMove = useCan('manageComputers');
  const queryClient = useQueryClient();
  const groups = useGroups();
  const [selectedGroup, setSelectedGroup] = useState<string | null>(null);
  const [subgroups, setSubgroups] = useState(true);
  const [stale, setStale] = useState(false);
  const [q, setQ] = useState('');
  const [dialog, setDialog] = useState<Dialog>(null);
  const [selected, setSelected] = useState<RowSelectionState>({});
  const list = useMemo(() => groups.data ?? [], [groups.data]);
  const current = list.find((g) => g.id === selectedGroup) ?? null;
  const filterKey = JSON.stringify([selectedGroup, subgroups, stale, q]);
  const pages = useCursorPages(filterKey);
  const computers = useQuery({
    queryKey: ['computers', filterKey, pages.cursor],
    queryFn: () =>
      call<Page<Computer>>(
        api.GET('/api/v1/computers', {
          params: { query: { groupId: selectedGroup ?? undefined, includeSubgroups: selectedGroup ? subgroups : undefined, stale: stale ? true : undefined, q: q || undefined, cursor: pages.cursor, limit: 100 } },
        }),
      ),
    placeholderData: keepPreviousData,
  });
  // The chosen group's totals over its computers and approved updates (one report request).
  const report = useQuery({
    queryKey: ['group-report', selectedGroup],
    queryFn: () => call<GroupReport>(api.GET('/api/v1/reports/groups/{groupId}', { params: { path: { groupId: selectedGroup! } } })),
    enabled: !!selectedGroup,
  });
  const totals = (report.data?.updates ?? []).reduce((sum, u) => ({ needed: sum.needed + u.counts.needed, failed: sum.failed + u.counts.failed }), { needed: 0, failed: 0 });
  const remove = useMutation({
    mutationFn: (id: string) => call<unknown>(api.DELETE('/api/v1/groups/{id}', { params: { path: { id } } })),
    onSuccess: () => {
      setSelectedGroup(null);
      return queryClient.invalidateQueries({ queryKey: ['groups'] });
    },
  });
  const chosenComputers = Object.keys(selected).filter((id) => selected[id]);
  const columns: ColumnDef<Computer, unknown>[] = [
    {
      header: 'Hostname',
      accessorKey: 'hostname',
      cell: (c) => (
        <Anchor component={Link} to={`/computers/${c.row.original.id}`} size="sm">
          {c.row.original.hostname}
        </Anchor>
      ),
    },
    { header: 'Group', accessorKey: 'groupName' },
    { header: 'OS', id: 'os', accessorFn: (c) => `${c.osFamily} ${c.osVersion} (${c.arch})` },
    { header: 'Agent', accessorKey: 'agentVersion' },
    { header: 'Last contact', accessorKey: 'lastSeenAt', cell: (c) => <Time value={c.row.original.lastSeenAt} /> },
    { header: 'Stale', id: 'stale', accessorFn: (c) => (c.stale ? 'stale' : '') },
  ];
  return (
    <Stack>
      <Row justify="space-between">
        <Title order={1} size="h2">
          Groups and computers
        </Title>
        {canManage && <Button onClick={() => setDialog({ kind: 'create' })}>New group</Button>}
      </Row>
      <SimpleGrid cols={{ base: 1, md: 3 }}>
        <Paper withBorder p="md">
          <Title order={2} size="h4" mb="xs">
            Tree
          </Title>
          <ProblemAlert error={groups.error} />
          <ul aria-label="Computer groups" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
            <li>
              <UnstyledButton onClick={() => setSelectedGroup(null)} fw={selectedGroup === null ? 700 : 400} fz="sm" aria-pressed={selectedGroup === null}>
                Every computer
              </UnstyledButton>
            </li>
            {list.map((g) => (
              <li key={g.id} style={{ paddingLeft: g.depth * 16 }}>
                <UnstyledButton onClick={() => setSelectedGroup(g.id)} fw={g.id === selectedGroup ? 700 : 400} fz="sm" aria-pressed={g.id === selectedGroup} aria-label={`${groupLabel(g, new Map(list.map((x) => [x.id, x])))}, ${g.totalMemberCount} computers`}>
                  {g.name} <Text span size="xs">({g.totalMemberCount})</Text>
                </UnstyledButton>
              </li>
            ))}
          </ul>
          {current && canManage && !current.builtIn && (
            <Row mt="md" gap="xs">
              <Button size="xs" variant="default" onClick={() => setDialog({ kind: 'edit', group: current })}>
                Rename or move
              </Button>
              <Button size="xs" color="red" variant="light" onClick={() => window.confirm(`Delete the group ${current.name}?`) && remove.mutate(current.id)} loading={remove.isPending}>
                Delete
              </Button>
            </Row>
          )}
          <ProblemAlert error={remove.error} />
        </Paper>
        <Paper withBorder p="md" style={{ gridColumn: 'span 2' }}>
          <Stack>
            <Row justify="space-between" align="flex-end">
              <Title order={2} size="h4">
                {current ? `Computers in ${current.name}` : 'Every computer'}
              </Title>
              {canMove && (
                <Button size="xs" disabled={chosenComputers.length === 0} onClick={() => setDialog({ kind: 'move-computers', ids: chosenComputers })}>
                  Move selected ({chosenComputers.length})
                </Button>
              )}
            </Row>
            {current && report.data && (
              <Text size="sm">
                {report.data.computers} computers, {report.data.compliancePercent}% compliant; installs needed: {totals.needed}, failed: {totals.failed} (per computer: its page)
              </Text>
            )}
            <Row role="search" aria-label="Filter computers" align="flex-end">
              <TextInput label="Hostname contains" maxLength={200} value={q} onChange={(e) => setQ(e.currentTarget.value)} />
              {current && <Switch label="Include subgroups" checked={subgroups} onChange={(e) => setSubgroups(e.currentTarget.checked)} />}
              <Switch label="Stale only" checked={stale} onChange={(e) => setStale(e.currentTarget.checked)} />
            </Row>
            <ProblemAlert error={computers.error} />
            <DataTable
              caption="Computers"
              data={computers.data?.items ?? []}
              columns={columns}
              rowId={(c) => c.id}
              loading={computers.isLoading}
              selection={canMove ? { selected, onChange: setSelected, label: (c) => c.hostname } : undefined}
              empty="No computer here."
            />
            <PageControls pages={pages} nextCursor={computers.data?.nextCursor} label="Computers" />
          </Stack>
        </Paper>
      </SimpleGrid>
      {dialog && (
        <GroupDialog
          key={JSON.stringify(dialog)}
          dialog={dialog}
          groups={list}
          onClose={() => {
            setDialog(null);
            setSelected({});
          }}
        />
      )}
    </Stack>
  );
}
