import { Button, NativeSelect, Stack, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { api, call } from '../api/client';
import { useCan } from '../auth/access';
import { ProblemAlert } from '../components/ProblemAlert';
import { ResourceList } from '../components/ResourceList';
import { Time } from '../components/Time';

type Row = {
  id: string;
  name?: string;
  username?: string;
  role?: string;
  createdAt: string;
  createdBy?: string | null;
  expiresAt?: string | null;
  uses?: number;
  maxUses?: number | null;
  groupName?: string | null;
  disabledAt?: string | null;
  revokedAt?: string | null;
  active?: boolean;
};

const ROLES = ['admin', 'approver', 'auditor'];

const created: ColumnDef<Row, unknown> = { header: 'Created', accessorKey: 'createdAt', cell: (c) => <Time value={c.row.original.createdAt} /> };

/** Users, API tokens for automation, enrollment keys for agents and downstream tokens for other Patchgate servers (admins only). */
export function UsersPage() {
  const canWrite = useCan('manageUsers');
  const queryClient = useQueryClient();
  // PATCH /api/v1/users/:id: a role change or disabling (409 for the last enabled admin).
  const change = useMutation({
    mutationFn: ({ id, body }: { id: string; body: { role?: 'admin' | 'approver' | 'auditor'; disabled?: boolean } }) =>
      call<unknown>(api.PATCH('/api/v1/users/{id}', { params: { path: { id } }, body })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['/api/v1/users'] }),
  });
  return (
    <Stack>
      <Title order={1} size="h2">
        Users and tokens
      </Title>
      <ProblemAlert error={change.error} />
      <ResourceList<Row>
        title="Users"
        listPath="/api/v1/users"
        createPath="/api/v1/users"
        createSchema="CreateUserDto"
        canWrite={canWrite}
        columns={[
          { header: 'Username', accessorKey: 'username' },
          { header: 'Role', accessorKey: 'role' },
          { header: 'Status', id: 'status', accessorFn: (r) => (r.disabledAt ? 'disabled' : 'enabled') },
          created,
        ]}
        extraActions={(user) => (
          <>
            <NativeSelect
              size="xs"
              aria-label={`Role of ${user.username}`}
              data={ROLES}
              value={user.role}
              disabled={change.isPending}
              onChange={(e) => change.mutate({ id: user.id, body: { role: e.currentTarget.value as 'admin' } })}
            />
            <Button size="compact-xs" variant="light" loading={change.isPending && change.variables?.id === user.id} onClick={() => change.mutate({ id: user.id, body: { disabled: !user.disabledAt } })}>
              {user.disabledAt ? 'Enable' : 'Disable'}
            </Button>
          </>
        )}
      />
      <ResourceList<Row>
        title="API tokens"
        listPath="/api/v1/api-tokens"
        createPath="/api/v1/api-tokens"
        createSchema="CreateApiTokenDto"
        deletePath="/api/v1/api-tokens/{id}"
        deleteLabel="Revoke"
        canDelete={(token) => !token.revokedAt}
        canWrite={canWrite}
        columns={[
          { header: 'Name', accessorKey: 'name' },
          { header: 'Role', accessorKey: 'role' },
          { header: 'Expires', accessorKey: 'expiresAt', cell: (c) => <Time value={c.row.original.expiresAt} /> },
          { header: 'Status', id: 'status', accessorFn: (r) => (r.revokedAt ? 'revoked' : r.active ? 'active' : 'expired') },
          created,
        ]}
      />
      <ResourceList<Row>
        title="Enrollment keys"
        listPath="/api/v1/enrollment-keys"
        createPath="/api/v1/enrollment-keys"
        createSchema="CreateEnrollmentKeyDto"
        deletePath="/api/v1/enrollment-keys/{id}"
        canWrite={canWrite}
        columns={[
          { header: 'Name', accessorKey: 'name' },
          { header: 'Expires', accessorKey: 'expiresAt', cell: (c) => <Time value={c.row.original.expiresAt} /> },
          { header: 'Uses', id: 'uses', accessorFn: (r) => `${r.uses ?? 0}${r.maxUses ? ` / ${r.maxUses}` : ''}` },
          created,
        ]}
      />
      <ResourceList<Row>
        title="Downstream tokens"
        listPath="/api/v1/downstream-tokens"
        createPath="/api/v1/downstream-tokens"
        createSchema="CreateDownstreamTokenDto"
        deletePath="/api/v1/downstream-tokens/{id}"
        canWrite={canWrite}
        columns={[{ header: 'Name', accessorKey: 'name' }, created]}
      />
    </Stack>
  );
}
