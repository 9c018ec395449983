import { Alert, Button, Stack, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { api, call } from '../api/client';
import { useCan } from '../auth/access';
import { ProblemAlert } from '../components/ProblemAlert';
import { ResourceList } from '../components/ResourceList';

/** src/modules/approvals/dto/approval-rule.dto.ts ApprovalRuleDto */
type Rule = { id: string; name: string; enabled: boolean; classifications: string[]; products: string[]; minSeverity: string | null; groupIds: string[]; deadlineDays: number | null; delayDays: number | null };

/** Automatic approval rules: list, create, delete, and apply one to the current catalog now. */
export function RulesPage() {
  const canWrite = useCan('manageRules');
  const apply = useMutation({
    mutationFn: (id: string) => call<{ approvalsCreated: number; updatesEvaluated: number }>(api.POST('/api/v1/approval-rules/{id}/apply', { params: { path: { id } } })),
  });
  const columns: ColumnDef<Rule, unknown>[] = [
    { header: 'Name', accessorKey: 'name' },
    { header: 'Enabled', id: 'enabled', accessorFn: (r) => (r.enabled ? 'yes' : 'no') },
    { header: 'Classifications', id: 'classifications', accessorFn: (r) => r.classifications.join(', ') || 'any' },
    { header: 'Products', id: 'products', accessorFn: (r) => r.products.join(', ') || 'any' },
    { header: 'Min. severity', id: 'minSeverity', accessorFn: (r) => r.minSeverity ?? 'any' },
    { header: 'Groups', id: 'groups', accessorFn: (r) => r.groupIds.length },
    { header: 'Deadline (days)', id: 'deadlineDays', accessorFn: (r) => r.deadlineDays ?? '—' },
  ];
  return (
    <Stack>
      <Title order={1} size="h2">
        Approval rules
      </Title>
      <ProblemAlert error={apply.error} />
      {apply.data && (
        <Alert color="green" role="status">
          Applied: {apply.data.approvalsCreated} approvals made, {apply.data.updatesEvaluated} updates checked.
        </Alert>
      )}
      <ResourceList<Rule>
        title="Rules"
        listPath="/api/v1/approval-rules"
        createPath="/api/v1/approval-rules"
        createSchema="CreateApprovalRuleDto"
        deletePath="/api/v1/approval-rules/{id}"
        canWrite={canWrite}
        columns={columns}
        extraActions={(rule) => (
          <Button size="compact-xs" variant="light" onClick={() => apply.mutate(rule.id)} aria-label={`Apply ${rule.name} now`}>
            Apply now
          </Button>
        )}
      />
    </Stack>
  );
}
