import { AppShell, Burger, Button, Group, Loader, NavLink, ScrollArea, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef } from 'react';
import { Link, Navigate, Route, Routes, useLocation } from 'react-router';
import { type Ability, can, useSession } from './auth/access';
import { session } from './auth/session';
import { LoginPage } from './pages/LoginPage';

// Each page is its own chunk, fetched when first opened (the charts library only with the overview).
const ComputerPage = lazy(() => import('./pages/ComputerPage').then((m) => ({ default: m.ComputerPage })));
const ContentPage = lazy(() => import('./pages/ContentPage').then((m) => ({ default: m.ContentPage })));
const GroupsPage = lazy(() => import('./pages/GroupsPage').then((m) => ({ default: m.GroupsPage })));
const LogsPage = lazy(() => import('./pages/LogsPage').then((m) => ({ default: m.LogsPage })));
const MaintenancePage = lazy(() => import('./pages/MaintenancePage').then((m) => ({ default: m.MaintenancePage })));
const OverviewPage = lazy(() => import('./pages/OverviewPage').then((m) => ({ default: m.OverviewPage })));
const RulesPage = lazy(() => import('./pages/RulesPage').then((m) => ({ default: m.RulesPage })));
const SyncPage = lazy(() => import('./pages/SyncPage').then((m) => ({ default: m.SyncPage })));
const UpdatePage = lazy(() => import('./pages/UpdatePage').then((m) => ({ default: m.UpdatePage })));
const UpdatesPage = lazy(() => import('./pages/UpdatesPage').then((m) => ({ default: m.UpdatesPage })));
const UsersPage = lazy(() => import('./pages/UsersPage').then((m) => ({ default: m.UsersPage })));

interface NavEntry {
  to: string;
  label: string;
  /** Shown only to roles with this ability; none: every role. */
  ability?: Ability;
}

const NAV: NavEntry[] = [
  { to: '/', label: 'Overview' },
  { to: '/updates', label: 'Updates' },
  { to: '/groups', label: 'Groups and computers' },
  { to: '/sync', label: 'Sync', ability: 'readSyncLog' },
  { to: '/logs', label: 'Logs', ability: 'readLogs' },
  { to: '/rules', label: 'Rules', ability: 'manageRules' },
  { to: '/content', label: 'Content' },
  { to: '/maintenance', label: 'Maintenance', ability: 'readMaintenanceRuns' },
  { to: '/users', label: 'Users and tokens', ability: 'manageUsers' },
];

export function App() {
  const current = useSession();
  const queryClient = useQueryClient();
  // A new login (or a logout) must not see the cached answers of the previous one.
  const user = current ? `${current.username}:${current.role}` : null;
  useEffect(() => {
    queryClient.clear();
  }, [user, queryClient]);
  if (!current) return <LoginPage />;
  return <Shell />;
}

function Shell() {
  const current = useSession()!;
  const [opened, { toggle, close }] = useDisclosure();
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  // After navigating, focus moves to the page (screen readers announce its heading).
  useEffect(() => {
    close();
    main.current?.focus();
  }, [location.pathname, close]);
  const allowed = (entry: NavEntry) => !entry.ability || can(current.role, entry.ability);
  const active = (to: string) => (to === '/' ? location.pathname === '/' : location.pathname.startsWith(to));
  return (
    <>
    <a href="#main" className="skip-link">
      Skip to the page
    </a>
    <AppShell header={{ height: 56 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Menu" />
            <Title order={2} size="h4">
              Patchgate
            </Title>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="xs">
              {current.username} ({current.role})
            </Text>
            <Button size="xs" variant="default" onClick={() => session.clear()}>
              Log out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Sections">
        <ScrollArea>
          <nav aria-label="Console sections">
            {NAV.filter(allowed).map((entry) => (
              <NavLink key={entry.to} variant="filled" component={Link} to={entry.to} label={entry.label} active={active(entry.to)} aria-current={active(entry.to) ? 'page' : undefined} />
            ))}
          </nav>
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main ref={main} id="main" tabIndex={-1} style={{ outline: 'none' }}>
        <Suspense fallback={<Loader aria-label="Loading the page" />}>
        <Routes>
          <Route path="/" element={<OverviewPage />} />
          <Route path="/updates" element={<UpdatesPage />} />
          <Route path="/updates/:updateId" element={<UpdatePage />} />
          <Route path="/groups" element={<GroupsPage />} />
          <Route path="/computers/:id" element={<ComputerPage />} />
          <Route path="/sync" element={<SyncPage />} />
          <Route path="/logs" element={<LogsPage />} />
          <Route path="/rules" element={<RulesPage />} />
          <Route path="/content" element={<ContentPage />} />
          <Route path="/maintenance" element={<MaintenancePage />} />
          <Route path="/users" element={<UsersPage />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Routes>
        </Suspense>
      </AppShell.Main>
    </AppShell>
    </>
  );
}
