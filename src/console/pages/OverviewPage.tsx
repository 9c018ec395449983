import { Anchor, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQueries, useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, call, type Schemas } from '../api/client';
import { useGroups } from '../api/groups';
import type { Computer, GroupReport, Page, SyncConfig, SyncRun, UpdateSummary } from '../api/models';
import { useCan } from '../auth/access';
import { ProblemAlert } from '../components/ProblemAlert';
import { StatusBadge } from '../components/StatusBadge';
import { Time } from '../components/Time';

const SEVERITY_COLORS: Record<string, string> = { critical: '#c92a2a', important: '#e8590c', moderate: '#f59f00', low: '#2f9e44', none: '#868e96' };
/** How many unapproved updates the overview counts (one API page); the Updates page lists them all. */
const SAMPLE = 500;

function Card({ title, to, children }: { title: string; to: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4">
          {title}
        </Title>
        <Anchor component={Link} to={to} size="sm" aria-label={`${title}: details`}>
          Details
        </Anchor>
      </Group>
      {children}
    </Paper>
  );
}

function SyncCard() {
  const canConfigure = useCan('configureSync');
  const runs = useQuery({ queryKey: ['sync-runs', 'latest'], queryFn: () => call<Page<SyncRun>>(api.GET('/api/v1/sync/runs', { params: { query: { limit: 1 } } })) });
  const config = useQuery({ queryKey: ['sync-config'], queryFn: () => call<SyncConfig>(api.GET('/api/v1/sync/config')), enabled: canConfigure });
  const last = runs.data?.items[0];
  return (
    <Card title="Sync" to="/sync">
      <ProblemAlert error={runs.error} />
      {last ? (
        <Stack gap={4}>
          <Group gap="xs">
            <Text size="sm">Last:</Text> <StatusBadge value={last.status} /> <Time value={last.finishedAt ?? last.queuedAt} />
          </Group>
          <Text size="sm">
            {last.newUpdates} new, {last.revisedUpdates} revised, {last.expiredUpdates} expired, {last.itemErrorCount} item errors
          </Text>
        </Stack>
      ) : (
        <Text size="sm">No sync yet.</Text>
      )}
      {canConfigure && (
        <Text size="sm" mt={4}>
          Next: {config.data?.schedule ? <Time value={config.data.nextRunAt} /> : 'manual only'}
        </Text>
      )}
    </Card>
  );
}

function NeedingApprovalCard() {
  const updates = useQuery({
    queryKey: ['updates', 'needing-approval'],
    queryFn: () => call<Page<UpdateSummary>>(api.GET('/api/v1/updates', { params: { query: { approved: false, declined: false, state: 'active', limit: SAMPLE } } })),
  });
  const items = updates.data?.items ?? [];
  const byClassification = new Map<string, Record<string, number | string>>();
  for (const u of items) {
    const row = byClassification.get(u.classification) ?? { classification: u.classification };
    const severity = u.severity ?? 'none';
    row[severity] = Number(row[severity] ?? 0) + 1;
    byClassification.set(u.classification, row);
  }
  const data = [...byClassification.values()];
  const severities = Object.keys(SEVERITY_COLORS).filter((s) => data.some((d) => d[s]));
  return (
    <Card title="Updates needing approval" to="/updates?approved=false&declined=false&state=active">
      <ProblemAlert error={updates.error} />
      <Text size="sm" mb="xs">
        {items.length}
        {updates.data?.nextCursor ? `+ (counted: the newest ${SAMPLE})` : ''} active updates with no install approval, by classification and severity
      </Text>
      <div role="img" aria-label={`Chart: ${data.map((d) => `${d.classification}: ${severities.map((s) => `${d[s] ?? 0} ${s}`).join(', ')}`).join('; ')}`}>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data} margin={{ left: -20 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="classification" fontSize={11} interval={0} angle={-30} textAnchor="end" height={70} />
            <YAxis allowDecimals={false} fontSize={11} />
            <Tooltip />
            <Legend />
            {severities.map((s) => (
              <Bar key={s} dataKey={s} stackId="severity" fill={SEVERITY_COLORS[s]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
}

function ComplianceCard() {
  const groups = useGroups();
  const topLevel = (groups.data ?? []).filter((g) => g.depth === 1);
  const reports = useQueries({
    queries: topLevel.map((g) => ({
      queryKey: ['group-report', g.id],
      queryFn: () => call<GroupReport>(api.GET('/api/v1/reports/groups/{groupId}', { params: { path: { groupId: g.id } } })),
    })),
  });
  const data = topLevel.map((g, i) => ({ group: `${g.name} (${reports[i]?.data?.computers ?? 0})`, compliance: reports[i]?.data?.compliancePercent ?? 0, computers: reports[i]?.data?.computers ?? 0 }));
  const failed = reports.reduce((sum, r) => sum + (r.data?.updates ?? []).reduce((s, u) => s + u.counts.failed, 0), 0);
  return (
    <Card title="Compliance per top-level group" to="/groups">
      <Text size="sm" mb="xs">
        Failed installs: <b>{failed}</b>. Bars: compliant share of approved installs; (n) computers in the group
      </Text>
      <div role="img" aria-label={`Chart: ${data.map((d) => `${d.group}: ${d.compliance}% compliant, ${d.computers} computers`).join('; ')}`}>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data} layout="vertical" margin={{ left: 20 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" domain={[0, 100]} unit="%" fontSize={11} />
            <YAxis type="category" dataKey="group" width={120} fontSize={11} />
            <Tooltip />
            <Bar dataKey="compliance" fill="#1c7ed6" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Card>
  );
}

function FleetCard() {
  const stale = useQuery({ queryKey: ['computers', 'stale-count'], queryFn: () => call<Page<Computer>>(api.GET('/api/v1/computers', { params: { query: { stale: true, limit: 100 } } })) });
  const content = useQuery({ queryKey: ['content-status'], queryFn: () => call<Schemas['ContentStatusDto']>(api.GET('/api/v1/content/status')) });
  const n = stale.data?.items.length ?? 0;
  return (
    <Paper withBorder p="md">
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={2} size="h4">
            Stale computers
          </Title>
          <Anchor component={Link} to="/groups" size="sm" aria-label="Stale computers: details">
            Details
          </Anchor>
        </Group>
        <Text>{stale.data ? `${n}${stale.data.nextCursor ? '+' : ''}` : '…'} without contact for the stale period</Text>
        <Group justify="space-between">
          <Title order={2} size="h4">
            Content downloads
          </Title>
          <Anchor component={Link} to="/content" size="sm" aria-label="Content downloads: details">
            Details
          </Anchor>
        </Group>
        <Text>
          {content.data ? `${content.data.files.pending} pending, ${content.data.files.failed} failed, ${content.data.files.stored} stored (mode ${content.data.mode})` : '…'}
        </Text>
        <ProblemAlert error={stale.error ?? content.error} />
      </Stack>
    </Paper>
  );
}

export function OverviewPage() {
  const canReadSync = useCan('readSyncLog');
  return (
    <Stack>
      <Title order={1} size="h2">
        Overview
      </Title>
      <SimpleGrid cols={{ base: 1, md: 2 }}>
        {canReadSync && <SyncCard />}
        <FleetCard />
        <NeedingApprovalCard />
        <ComplianceCard />
      </SimpleGrid>
    </Stack>
  );
}
