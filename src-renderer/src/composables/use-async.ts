import { shallowRef, ref, type Ref, type ShallowRef } from 'vue';

/** Loading/error/data state around one async call, so every view shows the same three states. */
export function useAsync<T, A extends unknown[] = []>(
  fn: (...args: A) => Promise<T>,
): { data: ShallowRef<T | null>; error: Ref<string | null>; loading: Ref<boolean>; run: (...args: A) => Promise<T | null> } {
  const data = shallowRef<T | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  let seq = 0;
  const run = async (...args: A): Promise<T | null> => {
    const mine = ++seq;
    loading.value = true;
    error.value = null;
    try {
      const value = await fn(...args);
      // Only the latest call wins, so a slow old answer never overwrites a newer one.
      if (mine === seq) data.value = value;
      return value;
    } catch (err) {
      if (mine === seq) error.value = (err as Error).message ?? String(err);
      return null;
    } finally {
      if (mine === seq) loading.value = false;
    }
  };
  return { data, error, loading, run };
}
