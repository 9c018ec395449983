import { Stack, Title } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { useCan } from '../auth/access';
import { ResourceList } from '../components/ResourceList';
import { Time } from '../components/Time';

type Row = { id: string; name?: string; username?: string; role?: string; createdAt: string; createdBy?: string; expiresAt?: string | null; uses?: number; maxUses?: number | null; groupName?: string | null };

const created: ColumnDef<Row, unknown> = { header: 'Created', accessorKey: 'createdAt', cell: (c) => <Time value={c.row.original.createdAt} /> };

/** Users, API tokens for automation, enrollment keys for agents and downstream tokens for other Patchgate servers (admins only). */
export function UsersPage() {
  const canWrite = useCan('manageUsers');
  return (
    <Stack>
      <Title order={1} size="h2">
        Users and tokens
      </Title>
      <ResourceList<Row>
        title="Users"
        listPath="/api/v1/users"
        createPath="/api/v1/users"
        createSchema="CreateUserDto"
        canWrite={canWrite}
        columns={[{ header: 'Username', accessorKey: 'username' }, { header: 'Role', accessorKey: 'role' }, created]}
      />
      <ResourceList<Row> title="API tokens (new token, shown once)" createPath="/api/v1/api-tokens" createSchema="CreateApiTokenDto" canWrite={canWrite} columns={[]} />
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
