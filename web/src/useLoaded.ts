/** What a page loads from the API, the error to show when it cannot, and a reload for after an action changes it. */
import { useEffect, useState } from 'preact/hooks';
import { errorText } from './ui';

export interface Loaded<T> {
  value?: T;
  failure?: string;
  reload: () => void;
  /** How often it was reloaded: a part that shows what the same actions change reloads with it. */
  version: number;
  /** Shows a value the page already has (an action's answer) until the next load replaces it. */
  show: (value: T) => void;
}

/** Loads on mount, again when one of `inputs` changes, and on `reload()`. */
export function useLoaded<T>(load: () => Promise<T>, inputs: unknown[] = []): Loaded<T> {
  const [value, setValue] = useState<T>();
  const [failure, setFailure] = useState<string>();
  const [version, setVersion] = useState(0);
  useEffect(() => {
    load().then(
      (loaded) => setValue(() => loaded),
      (e: unknown) => setFailure(errorText(e)),
    );
  }, [...inputs, version]);
  return { value, failure, reload: () => setVersion((v) => v + 1), version, show: (shown) => setValue(() => shown) };
}
