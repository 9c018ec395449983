import { useQuery } from '@tanstack/react-query';
import { api, call } from './client';
import type { Group, Page } from './models';

/**
 * Every group (the tree is small next to the fleet: a WSUS tree has tens to hundreds of groups),
 * read page by page with the API's cursor.
 */
export function useGroups() {
  return useQuery({
    queryKey: ['groups'],
    queryFn: async () => {
      const groups: Group[] = [];
      let cursor: string | undefined;
      do {
        const page = await call<Page<Group>>(api.GET('/api/v1/groups', { params: { query: { limit: 500, cursor } } }));
        groups.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      return groups;
    },
  });
}

/** "All Computers › Servers › Ring 1": a group's place in the tree. */
export function groupLabel(group: Group, byId: Map<string, Group>): string {
  return group.path.map((id) => byId.get(id)?.name ?? '?').join(' › ');
}
