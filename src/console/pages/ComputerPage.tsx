import { Badge, Code, Group, Loader, Paper, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { api, call } from '../api/client';
import type { Computer, ComputerReport } from '../api/models';
import { ProblemAlert } from '../components/ProblemAlert';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';

/** One computer: what it reported about itself and the state of every update offered to it, with its error. */
export function ComputerPage() {
  const { id = '' } = useParams();
  const computer = useQuery({ queryKey: ['computer', id], queryFn: () => call<Computer & { inventory: Record<string, unknown> }>(api.GET('/api/v1/computers/{id}', { params: { path: { id } } })) });
  const report = useQuery({ queryKey: ['computer-report', id], queryFn: () => call<ComputerReport>(api.GET('/api/v1/reports/computers/{id}', { params: { path: { id } } })) });
  if (computer.isLoading) return <Loader aria-label="Loading the computer" />;
  if (!computer.data) return <ProblemAlert error={computer.error} />;
  const c = computer.data;
  return (
    <Stack>
      <Group>
        <Title order={1} size="h2">
          {c.hostname}
        </Title>
        {c.stale && <Badge color="yellow">stale</Badge>}
        {c.revokedAt && <Badge color="red">revoked</Badge>}
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, md: 4 }}>
        <Paper withBorder p="sm">
          <Text size="xs">Group</Text>
          <Text>{c.groupName ?? '—'}</Text>
        </Paper>
        <Paper withBorder p="sm">
          <Text size="xs">OS</Text>
          <Text>
            {c.osFamily} {c.osVersion} ({c.arch})
          </Text>
        </Paper>
        <Paper withBorder p="sm">
          <Text size="xs">Last contact</Text>
          <Time value={c.lastSeenAt} />
        </Paper>
        <Paper withBorder p="sm">
          <Text size="xs">Agent</Text>
          <Text>{c.agentVersion}</Text>
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md">
        <Title order={2} size="h4">
          Offered updates
        </Title>
        <ProblemAlert error={report.error} />
        <Table>
          <caption>Every offered update's state on this computer</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Update</Table.Th>
              <Table.Th>Action</Table.Th>
              <Table.Th>State</Table.Th>
              <Table.Th>Error</Table.Th>
              <Table.Th>Reported</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(report.data?.updates ?? []).map((u) => (
              <Table.Tr key={u.updateId}>
                <Table.Td>
                  <Link to={`/updates/${u.updateId}`}>{u.title}</Link>
                </Table.Td>
                <Table.Td>{u.action}</Table.Td>
                <Table.Td>
                  <StatusBadge value={u.state} />
                </Table.Td>
                <Table.Td>{u.errorCode ? <Code>{u.errorCode}</Code> : null} {u.message}</Table.Td>
                <Table.Td>
                  <Time value={u.reportedAt} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        {report.data && report.data.updates.length === 0 && <Text c="dimmed">Nothing offered.</Text>}
      </Paper>
    </Stack>
  );
}
