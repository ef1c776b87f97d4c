/** Sorting and filtering of the run table, kept out of the view so it is unit-testable. */
import { computed, ref, type Ref } from 'vue';
import type { RunSummary } from '@contract/contract.ts';

export type SortKey = 'name' | 'model' | 'activation' | 'head' | 'status' | 'bestValAcc' | 'testAcc' | 'createdAt';

export function useRunsTable(runs: Ref<RunSummary[] | null>) {
  const sortKey = ref<SortKey>('createdAt');
  const descending = ref(true);
  const filter = ref('');
  const statusFilter = ref<string>('');

  function sortBy(key: SortKey): void {
    if (sortKey.value === key) descending.value = !descending.value;
    else {
      sortKey.value = key;
      // Numbers and dates are most useful best/newest first; text A-Z.
      descending.value = key === 'bestValAcc' || key === 'testAcc' || key === 'createdAt';
    }
  }

  const rows = computed(() => {
    const q = filter.value.trim().toLowerCase();
    const list = (runs.value ?? []).filter((r) => {
      if (statusFilter.value && r.status !== statusFilter.value) return false;
      if (!q) return true;
      return [r.name, r.model, r.activation, r.head, r.status, r.datasetName, r.notes, ...r.tags].some((f) => f.toLowerCase().includes(q));
    });
    const key = sortKey.value;
    const dir = descending.value ? -1 : 1;
    return list.slice().sort((a, b) => {
      const x = a[key];
      const y = b[key];
      // Missing values sort last whatever the direction.
      if (x === null && y === null) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      if (typeof x === 'number' && typeof y === 'number') return (x - y) * dir;
      return String(x).localeCompare(String(y)) * dir;
    });
  });

  return { sortKey, descending, filter, statusFilter, sortBy, rows };
}
