import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { LiveProgress } from './types';

/** A scan's or guide import's progress, as `GET /api/live` pushes it. */
export type Progress = LiveProgress;

interface LiveState {
  connected: boolean;
  /** Latest progress per `${kind}:${id}`. */
  progress: Record<string, Progress>;
}

const LiveContext = createContext<LiveState>({ connected: false, progress: {} });

/**
 * One EventSource on `/api/live` for the whole app: new events refresh the events badge and list,
 * progress goes to whoever shows it, session snapshots replace the sessions query's data, and a
 * lineup change refreshes the lineup. Reconnects by itself (EventSource does), refetching on return.
 */
export function LiveUpdates({ children, enabled }: { children: ReactNode; enabled: boolean }) {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>({ connected: false, progress: {} });
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/live');
    const parse = (event: MessageEvent<string>): unknown => {
      try {
        return JSON.parse(event.data);
      } catch {
        return undefined;
      }
    };
    source.onopen = () => {
      setState((s) => ({ ...s, connected: true }));
      void queryClient.invalidateQueries();
    };
    source.onerror = () => setState((s) => ({ ...s, connected: false }));
    source.addEventListener('event', () => {
      void queryClient.invalidateQueries({ queryKey: ['events'] });
    });
    source.addEventListener('progress', (event: MessageEvent<string>) => {
      const progress = parse(event) as Progress | undefined;
      if (!progress) return;
      setState((s) => ({ ...s, progress: { ...s.progress, [`${progress.kind}:${progress.id}`]: progress } }));
      if (progress.finished) {
        void queryClient.invalidateQueries({ queryKey: progress.kind === 'scan' ? ['accounts'] : ['guides'] });
        void queryClient.invalidateQueries({ queryKey: ['channels'] });
        void queryClient.invalidateQueries({ queryKey: ['provider-channels'] });
      }
    });
    source.addEventListener('sessions', (event: MessageEvent<string>) => {
      const sessions = parse(event);
      if (sessions) queryClient.setQueryData(['sessions'], sessions);
    });
    source.addEventListener('lineup', () => {
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
    });
    return () => source.close();
  }, [enabled, queryClient]);
  return <LiveContext.Provider value={state}>{children}</LiveContext.Provider>;
}

export function useLive(): LiveState {
  return useContext(LiveContext);
}

/** The latest progress of one scan or import, if any arrived. */
export function useProgress(kind: Progress['kind'], id: number | undefined): Progress | undefined {
  const { progress } = useLive();
  return id === undefined ? undefined : progress[`${kind}:${id}`];
}
