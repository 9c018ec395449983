import { Alert, Anchor, Badge, Button, Code, Group, List, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { api, call } from '../api/client';
import { useGroups } from '../api/groups';
import type { Approval, Page, RelatedUpdate, UpdateDetail, UpdateReport } from '../api/models';
import { useCan } from '../auth/access';
import { ProblemAlert } from '../components/ProblemAlert';
import { StatusBadge } from '../components/StatusBadge';
import { formatBytes, Time } from '../components/Time';
import { ApproveDialog } from './ApproveDialog';

function Related({ title, items }: { title: string; items: RelatedUpdate[] }) {
  return (
    <div>
      <Title order={3} size="h5">
        {title}
      </Title>
      {items.length === 0 ? (
        <Text size="sm" c="dimmed">
          none
        </Text>
      ) : (
        <List size="sm">
          {items.map((r) => (
            <List.Item key={r.updateId}>{r.title ? <Anchor component={Link} to={`/updates/${r.updateId}`}>{r.title}</Anchor> : <Code>{r.updateId}</Code>}</List.Item>
          ))}
        </List>
      )}
    </div>
  );
}

/** One update: its revisions, files, supersedence both ways, the decision of every group (explicit or inherited) and its install report. */
export function UpdatePage() {
  const { updateId = '' } = useParams();
  const canApprove = useCan('approve');
  const [approving, setApproving] = useState(false);
  const detail = useQuery({ queryKey: ['update', updateId], queryFn: () => call<UpdateDetail>(api.GET('/api/v1/updates/{updateId}', { params: { path: { updateId } } })) });
  const approvals = useQuery({
    queryKey: ['approvals', updateId],
    queryFn: () => call<Page<Approval>>(api.GET('/api/v1/approvals', { params: { query: { updateId, limit: 500 } } })),
  });
  const report = useQuery({
    queryKey: ['update-report', updateId],
    queryFn: () => call<UpdateReport>(api.GET('/api/v1/reports/updates/{updateId}', { params: { path: { updateId } } })),
  });
  const groups = useGroups();
  // Inheritance: a group without a decision of its own takes the nearest ancestor's.
  const rows = useMemo(() => {
    const explicit = new Map((approvals.data?.items ?? []).map((a) => [a.groupId, a]));
    const byId = new Map((groups.data ?? []).map((g) => [g.id, g]));
    return (groups.data ?? []).map((g) => {
      const own = explicit.get(g.id);
      const from = own ? g : [...g.path].reverse().map((id) => byId.get(id)).find((a) => a && explicit.has(a.id));
      const decision = from ? explicit.get(from.id)! : null;
      return { group: g, decision, inheritedFrom: own ? null : (from?.name ?? null) };
    });
  }, [approvals.data, groups.data]);

  if (detail.isLoading) return <Loader aria-label="Loading the update" />;
  if (detail.error || !detail.data) return <ProblemAlert error={detail.error} />;
  const u = detail.data;
  const counts = report.data?.counts;
  return (
    <Stack>
      <Group justify="space-between" align="flex-start">
        <div>
          <Title order={1} size="h2">
            {u.current.title}
          </Title>
          <Group gap="xs" mt={4}>
            <Badge variant="default">{u.current.classification}</Badge>
            {u.current.severity && <Badge variant="default">{u.current.severity}</Badge>}
            {(u.current.kb ?? []).map((kb) => (
              <Badge key={kb} variant="default">
                {kb}
              </Badge>
            ))}
          </Group>
        </div>
        {canApprove && <Button onClick={() => setApproving(true)}>Approve…</Button>}
      </Group>
      {u.declined && (
        <Alert color="red" title="Declined for everyone">
          <Time value={u.declined.at} /> by {u.declined.by ?? 'unknown'}: {u.declined.reason}
        </Alert>
      )}
      {u.current.description && <Text>{u.current.description}</Text>}
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={2} size="h4">
            Install report
          </Title>
          {counts ? (
            <Table>
              <caption>Computers per install state</caption>
              <Table.Tbody>
                {Object.entries(counts).map(([state, n]) => (
                  <Table.Tr key={state}>
                    <Table.Th scope="row">{state}</Table.Th>
                    <Table.Td>{n}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          ) : (
            <ProblemAlert error={report.error} />
          )}
        </Paper>
        <Paper withBorder p="md">
          <Stack>
            <Related title="Supersedes" items={u.supersedes} />
            <Related title="Superseded by" items={u.supersededBy} />
            <Related title="Prerequisites" items={u.prerequisites} />
          </Stack>
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md">
        <Title order={2} size="h4">
          Approvals per group
        </Title>
        <Table.ScrollContainer minWidth={640}>
        <Table>
          <caption>Each group's decision, its own or inherited from the nearest ancestor</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Group</Table.Th>
              <Table.Th>Decision</Table.Th>
              <Table.Th>Deadline</Table.Th>
              <Table.Th>Offer</Table.Th>
              <Table.Th>Set by</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map(({ group, decision, inheritedFrom }) => (
              <Table.Tr key={group.id}>
                <Table.Td style={{ paddingLeft: 8 + group.depth * 16 }}>{group.name}</Table.Td>
                <Table.Td>
                  <StatusBadge value={decision?.decision ?? 'none'} /> {inheritedFrom && <Text span size="xs" c="dimmed">inherited from {inheritedFrom}</Text>}
                </Table.Td>
                <Table.Td>
                  <Time value={decision?.deadline} />
                </Table.Td>
                <Table.Td>
                  {/* What the offer does with the decision (offered, or why not: declined, expired, needs review, content pending or failed). */}
                  <StatusBadge value={decision?.offerState} />
                </Table.Td>
                <Table.Td>{decision && !inheritedFrom ? `${decision.updatedBy} (${decision.source})` : ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        </Table.ScrollContainer>
      </Paper>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        <Paper withBorder p="md">
          <Title order={2} size="h4">
            Revisions
          </Title>
          <Table>
            <caption>Every revision synced</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Revision</Table.Th>
                <Table.Th>State</Table.Th>
                <Table.Th>EULA</Table.Th>
                <Table.Th>Synced</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {u.revisions.map((r) => (
                <Table.Tr key={r.revision}>
                  <Table.Td>{r.revision}</Table.Td>
                  <Table.Td>{r.state}</Table.Td>
                  <Table.Td>{r.requiresEula ? 'yes' : 'no'}</Table.Td>
                  <Table.Td>
                    <Time value={r.syncedAt} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h4">
            Files
          </Title>
          <Table.ScrollContainer minWidth={420}>
          <Table>
            <caption>The current revision's files</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Size</Table.Th>
                <Table.Th>SHA-256</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {u.files.map((f) => (
                <Table.Tr key={f.sha256}>
                  <Table.Td style={{ wordBreak: 'break-all' }}>{f.name}</Table.Td>
                  <Table.Td>{formatBytes(f.size)}</Table.Td>
                  <Table.Td>
                    <Code title={f.sha256}>{f.sha256.slice(0, 12)}…</Code>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          </Table.ScrollContainer>
        </Paper>
      </SimpleGrid>
      {canApprove && <ApproveDialog updates={[{ updateId: u.updateId, title: u.current.title }]} opened={approving} onClose={() => setApproving(false)} />}
    </Stack>
  );
}
