import { Alert, Button, Checkbox, Group, Loader, Modal, MultiSelect, SegmentedControl, Stack, Table, Text, Textarea, TextInput } from '@mantine/core';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { api, call, type Schemas } from '../api/client';
import { groupLabel, useGroups } from '../api/groups';
import type { Approval, Decision, Page, UpdateDetail } from '../api/models';
import { ProblemAlert } from '../components/ProblemAlert';
import { formatBytes, Time } from '../components/Time';

export interface UpdateRef {
  updateId: string;
  title: string;
}

type Step = 'choose' | 'preview' | 'done';

const DECISIONS: { value: Decision; label: string }[] = [
  { value: 'install', label: 'Install' },
  { value: 'uninstall', label: 'Uninstall' },
  { value: 'decline', label: 'Decline' },
  { value: 'none', label: 'Revert' },
];

/**
 * Approve one or many updates for one or many groups in one all-or-nothing request
 * (POST /api/v1/approvals/bulk): choose, preview what changes (per update and group: the decision
 * before and after; the computers in reach; the bytes to download), confirm, then read the
 * approval-log entries the change wrote.
 */
export function ApproveDialog({ updates, opened, onClose }: { updates: UpdateRef[]; opened: boolean; onClose: () => void }) {
  const queryClient = useQueryClient();
  const groups = useGroups();
  const byId = useMemo(() => new Map((groups.data ?? []).map((g) => [g.id, g])), [groups.data]);
  const [step, setStep] = useState<Step>('choose');
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [decision, setDecision] = useState<Decision>('install');
  const [deadline, setDeadline] = useState('');
  const [optional, setOptional] = useState(false);
  const [reason, setReason] = useState('');

  // Preview data, fetched only on the preview step: each update's files and current decisions.
  const details = useQueries({
    queries: updates.map((u) => ({
      queryKey: ['update', u.updateId],
      queryFn: () => call<UpdateDetail>(api.GET('/api/v1/updates/{updateId}', { params: { path: { updateId: u.updateId } } })),
      enabled: step === 'preview',
    })),
  });
  const current = useQueries({
    queries: updates.map((u) => ({
      queryKey: ['approvals', u.updateId],
      queryFn: () => call<Page<Approval>>(api.GET('/api/v1/approvals', { params: { query: { updateId: u.updateId, limit: 500 } } })),
      enabled: step === 'preview',
    })),
  });

  const items: Schemas['SetApprovalDto'][] = updates.flatMap((u) =>
    groupIds.map((groupId) => ({
      updateId: u.updateId,
      groupId,
      decision,
      ...(deadline && (decision === 'install' || decision === 'uninstall') ? { deadline: new Date(deadline).toISOString() } : {}),
      ...(decision === 'install' && optional ? { optional: true } : {}),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    })),
  );
  const apply = useMutation({
    mutationFn: () => call<Schemas['BulkApprovalsResultDto']>(api.POST('/api/v1/approvals/bulk', { body: { items } })),
    onSuccess: () => {
      setStep('done');
      void queryClient.invalidateQueries({ queryKey: ['approvals'] });
      void queryClient.invalidateQueries({ queryKey: ['updates'] });
      void queryClient.invalidateQueries({ queryKey: ['approval-log'] });
    },
  });

  // Computers in reach: members of the chosen groups and their subgroups, each subtree counted once.
  const chosen = groupIds.map((id) => byId.get(id)).filter((g) => g !== undefined);
  const topmost = chosen.filter((g) => !chosen.some((other) => other.id !== g.id && g.path.includes(other.id)));
  const computers = topmost.reduce((sum, g) => sum + g.totalMemberCount, 0);
  const loadingPreview = details.some((d) => d.isLoading) || current.some((c) => c.isLoading);
  const bytes = decision === 'install' ? details.reduce((sum, d) => sum + (d.data?.files ?? []).reduce((s, f) => s + f.size, 0), 0) : 0;
  const previous = (updateId: string, groupId: string) =>
    current[updates.findIndex((u) => u.updateId === updateId)]?.data?.items.find((a) => a.groupId === groupId)?.decision ?? 'none';

  const close = () => {
    setStep('choose');
    apply.reset();
    onClose();
  };
  const needsReason = decision === 'decline' && !reason.trim();

  return (
    <Modal opened={opened} onClose={close} size="xl" title={`Approve ${updates.length} update${updates.length === 1 ? '' : 's'}`}>
      {step === 'choose' && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setStep('preview');
          }}
        >
          <Stack>
            <MultiSelect
              label="Groups"
              description="The decision applies to each group and is inherited by its subgroups"
              required
              searchable
              data={(groups.data ?? []).map((g) => ({ value: g.id, label: groupLabel(g, byId) }))}
              value={groupIds}
              onChange={setGroupIds}
            />
            <div>
              <Text size="sm" fw={500} id="decision-label">
                Decision
              </Text>
              <SegmentedControl aria-labelledby="decision-label" data={DECISIONS} value={decision} onChange={(v) => setDecision(v as Decision)} />
            </div>
            {(decision === 'install' || decision === 'uninstall') && (
              <TextInput type="datetime-local" label="Deadline (your time zone)" description="Optional: computers must act by then" value={deadline} onChange={(e) => setDeadline(e.currentTarget.value)} />
            )}
            {decision === 'install' && <Checkbox label="Optional (the user may decline it)" checked={optional} onChange={(e) => setOptional(e.currentTarget.checked)} />}
            <Textarea label="Reason" description={decision === 'decline' ? 'Required for a decline' : 'Optional, kept in the approval log'} maxLength={2000} value={reason} onChange={(e) => setReason(e.currentTarget.value)} />
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" disabled={groupIds.length === 0 || needsReason}>
                Preview
              </Button>
            </Group>
          </Stack>
        </form>
      )}
      {step === 'preview' && (
        <Stack>
          {loadingPreview ? (
            <Loader size="sm" aria-label="Loading the preview" />
          ) : (
            <>
              <Alert color="blue" title="What changes">
                {items.length} decision{items.length === 1 ? '' : 's'} for {chosen.length} group{chosen.length === 1 ? '' : 's'}; {computers} computer{computers === 1 ? '' : 's'} in these groups and their subgroups
                {decision === 'install' ? `; up to ${formatBytes(bytes)} of update files to download per computer` : ''}.
                {deadline && decision !== 'decline' && decision !== 'none' ? ` Deadline: ${new Date(deadline).toLocaleString()}.` : ''}
              </Alert>
              <Table>
                <caption>Decisions before and after, per update and group</caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th>Update</Table.Th>
                    <Table.Th>Group</Table.Th>
                    <Table.Th>Now</Table.Th>
                    <Table.Th>After</Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {items.map((item) => (
                    <Table.Tr key={`${item.updateId}:${item.groupId}`}>
                      <Table.Td>{updates.find((u) => u.updateId === item.updateId)?.title}</Table.Td>
                      <Table.Td>{byId.get(item.groupId)?.name}</Table.Td>
                      <Table.Td>{previous(item.updateId, item.groupId)}</Table.Td>
                      <Table.Td>{item.decision}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            </>
          )}
          <ProblemAlert error={apply.error} title="Nothing was changed" />
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setStep('choose')}>
              Back
            </Button>
            <Button onClick={() => apply.mutate()} loading={apply.isPending} disabled={loadingPreview}>
              Confirm
            </Button>
          </Group>
        </Stack>
      )}
      {step === 'done' && apply.data && (
        <Stack>
          <Alert color="green" title="Approved">
            The approval log recorded {apply.data.items.filter((i) => i.logEntry).length} entries ({apply.data.items.filter((i) => !i.logEntry).length} unchanged).
          </Alert>
          <Table data-testid="approval-result">
            <caption>The approval-log entries written</caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Seq</Table.Th>
                <Table.Th>Update</Table.Th>
                <Table.Th>Group</Table.Th>
                <Table.Th>Change</Table.Th>
                <Table.Th>Deadline</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {apply.data.items.map((i, index) =>
                i.logEntry ? (
                  <Table.Tr key={i.logEntry.seq}>
                    <Table.Td>{i.logEntry.seq}</Table.Td>
                    <Table.Td>{updates.find((u) => u.updateId === i.logEntry!.updateId)?.title}</Table.Td>
                    <Table.Td>{byId.get(i.logEntry.groupId ?? '')?.name}</Table.Td>
                    <Table.Td>
                      {i.logEntry.previousDecision} → {i.logEntry.newDecision}
                    </Table.Td>
                    <Table.Td>
                      <Time value={i.logEntry.deadline} />
                    </Table.Td>
                  </Table.Tr>
                ) : (
                  <Table.Tr key={`same-${index}`}>
                    <Table.Td colSpan={5}>unchanged</Table.Td>
                  </Table.Tr>
                ),
              )}
            </Table.Tbody>
          </Table>
          <Group justify="flex-end">
            <Button component={Link} to="/logs" variant="default">
              Open the approval log
            </Button>
            <Button onClick={close}>Close</Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
}
