import { Button, Group, ScrollArea, Table, Text, UnstyledButton, VisuallyHidden } from '@mantine/core';
import { type ColumnDef, flexRender, getCoreRowModel, getSortedRowModel, type RowSelectionState, type SortingState, useReactTable } from '@tanstack/react-table';
import { type ReactNode, useState } from 'react';

export interface DataTableProps<T> {
  /** What the table lists, for screen readers. */
  caption: string;
  data: T[];
  columns: ColumnDef<T, unknown>[];
  rowId: (row: T) => string;
  /** Rows get a checkbox; the selection is the caller's (ids). */
  selection?: { selected: RowSelectionState; onChange: (next: RowSelectionState) => void; label: (row: T) => string };
  empty?: ReactNode;
  loading?: boolean;
}

/**
 * One page of rows (TanStack Table): columns sort within the page on click (the API fixes the
 * order across pages), rows can be selected by checkbox, and every control is a real button or
 * input, reachable by keyboard.
 */
export function DataTable<T>({ caption, data, columns, rowId, selection, empty, loading }: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const table = useReactTable({
    data,
    columns,
    state: { sorting, rowSelection: selection?.selected ?? {} },
    onSortingChange: setSorting,
    enableRowSelection: !!selection,
    onRowSelectionChange: (updater) => {
      if (!selection) return;
      selection.onChange(typeof updater === 'function' ? updater(selection.selected) : updater);
    },
    getRowId: rowId,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
  });
  const allSelected = table.getIsAllRowsSelected();
  return (
    <ScrollArea type="auto">
      <Table striped highlightOnHover verticalSpacing="xs" miw={600}>
        <caption>
          <VisuallyHidden>{caption}</VisuallyHidden>
        </caption>
        <Table.Thead>
          {table.getHeaderGroups().map((headerGroup) => (
            <Table.Tr key={headerGroup.id}>
              {selection && (
                <Table.Th w={40}>
                  <input
                    type="checkbox"
                    aria-label="Select every row of this page"
                    checked={allSelected}
                    onChange={table.getToggleAllRowsSelectedHandler()}
                  />
                </Table.Th>
              )}
              {headerGroup.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const label = flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <Table.Th key={header.id} aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}>
                    {header.column.getCanSort() ? (
                      <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={600} fz="sm">
                        {label}
                        {sorted === 'asc' ? ' ▲' : sorted === 'desc' ? ' ▼' : ''}
                      </UnstyledButton>
                    ) : (
                      label
                    )}
                  </Table.Th>
                );
              })}
            </Table.Tr>
          ))}
        </Table.Thead>
        <Table.Tbody>
          {table.getRowModel().rows.map((row) => (
            <Table.Tr key={row.id} bg={row.getIsSelected() ? 'var(--mantine-color-default-hover)' : undefined} aria-selected={selection ? row.getIsSelected() : undefined}>
              {selection && (
                <Table.Td>
                  <input type="checkbox" aria-label={`Select ${selection.label(row.original)}`} checked={row.getIsSelected()} onChange={row.getToggleSelectedHandler()} />
                </Table.Td>
              )}
              {row.getVisibleCells().map((cell) => (
                <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {!loading && data.length === 0 && (
        <Text c="dimmed" p="md">
          {empty ?? 'Nothing to show.'}
        </Text>
      )}
    </ScrollArea>
  );
}

/** Previous / next over the API's opaque cursors: the console keeps the cursors of the pages it has seen. */
export function useCursorPages(resetKey: string) {
  const [state, setState] = useState<{ key: string; stack: (string | undefined)[] }>({ key: resetKey, stack: [undefined] });
  const stack = state.key === resetKey ? state.stack : [undefined];
  const cursor = stack[stack.length - 1];
  return {
    cursor,
    page: stack.length,
    next: (nextCursor: string) => setState({ key: resetKey, stack: [...stack, nextCursor] }),
    previous: () => setState({ key: resetKey, stack: stack.slice(0, -1) }),
    hasPrevious: stack.length > 1,
  };
}

export function PageControls({ pages, nextCursor, label }: { pages: ReturnType<typeof useCursorPages>; nextCursor: string | null | undefined; label: string }) {
  return (
    <Group justify="space-between" mt="sm" role="navigation" aria-label={`${label} pages`}>
      <Text size="sm" c="dimmed">
        Page {pages.page}
      </Text>
      <Group gap="xs">
        <Button variant="default" size="xs" disabled={!pages.hasPrevious} onClick={pages.previous}>
          Previous page
        </Button>
        <Button variant="default" size="xs" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
          Next page
        </Button>
      </Group>
    </Group>
  );
}
