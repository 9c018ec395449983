import { Button, Group, Paper, Select, SimpleGrid, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call, type Schemas } from '../api/client';
import { useOpenApi } from '../api/openapi-document';
import { useCan } from '../auth/access';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatBytes, Time } from '../components/Time';

/** The content store: its mode (admins set it), the files pending, stored and failed, and the latest failures. */
export function ContentPage() {
  const canConfigure = useCan('configureContent');
  const openApi = useOpenApi();
  const queryClient = useQueryClient();
  const config = useQuery({ queryKey: ['content-config'], queryFn: () => call<Schemas['ContentConfigDto']>(api.GET('/api/v1/content/config')) });
  const status = useQuery({
    queryKey: ['content-status'],
    queryFn: () => call<Schemas['ContentStatusDto']>(api.GET('/api/v1/content/status', { params: { query: { failureLimit: 20 } } })),
    refetchInterval: (q) => ((q.state.data?.files.pending ?? 0) > 0 ? 3000 : false),
  });
  const [mode, setMode] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (next: string) => call<Schemas['ContentConfigDto']>(api.PUT('/api/v1/content/config', { body: { mode: next as Schemas['SetContentConfigDto']['mode'] } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['content-config'] }),
  });
  const modes = openApi.data?.components.schemas.SetContentConfigDto?.properties?.mode?.enum ?? [];
  const files = status.data?.files;
  return (
    <Stack>
      <Title order={1} size="h2">
        Content
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Paper withBorder p="md">
          <Stack>
            <Title order={2} size="h4">
              Mode
            </Title>
            <Text size="sm">
              Now: <b>{config.data?.mode}</b> {config.data?.explicit ? `(set ${config.data.updatedBy ?? ''})` : '(from the environment)'} <Time value={config.data?.updatedAt} />
            </Text>
            {canConfigure && (
              <Group align="flex-end">
                <Select label="New mode" data={modes} value={mode ?? config.data?.mode ?? null} onChange={setMode} />
                <Button onClick={() => mode && save.mutate(mode)} disabled={!mode || mode === config.data?.mode} loading={save.isPending}>
                  Set mode
                </Button>
              </Group>
            )}
            <ProblemAlert error={save.error ?? config.error} />
          </Stack>
        </Paper>
        <Paper withBorder p="md">
          <Title order={2} size="h4">
            Files
          </Title>
          <Text>
            {files?.pending ?? '…'} pending, {files?.stored ?? '…'} stored, {files?.failed ?? '…'} failed; {formatBytes(status.data?.bytesStored ?? 0)} stored
          </Text>
          <ProblemAlert error={status.error} />
        </Paper>
      </SimpleGrid>
      <Paper withBorder p="md">
        <Title order={2} size="h4">
          Latest failures
        </Title>
        <Table>
          <caption>Downloads that failed, newest first</caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>File</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Failed</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {(status.data?.failures ?? []).map((f) => (
              <Table.Tr key={f.sha256}>
                <Table.Td style={{ wordBreak: 'break-all' }}>{f.url}</Table.Td>
                <Table.Td>{f.reason}</Table.Td>
                <Table.Td>
                  <Time value={f.failedAt} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Paper>
    </Stack>
  );
}
