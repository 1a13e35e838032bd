import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { AuthSession as AuthSessionWithLoopback, PlexSetup as PlexSetupWithFetches } from '../../api/types';
import type { Account, ChannelPage, ProviderChannelPage, XmltvSource } from '../../api/types';
import type { SetupState } from '../../lib/setup';

export const useSession = () =>
  useQuery({ queryKey: ['session'], queryFn: () => api.get<AuthSessionWithLoopback>('/api/auth/session') });
export const useAccountList = () =>
  useQuery({ queryKey: ['accounts'], queryFn: () => api.get<Account[]>('/api/accounts') });
export const useGuideSources = () =>
  useQuery({ queryKey: ['guides'], queryFn: () => api.get<XmltvSource[]>('/api/xmltv-sources') });

/** How many lineup channels match a filter (one row fetched, `total` read). */
export const useChannelCount = (filter: { matched?: boolean; enabled?: boolean; status?: string }) =>
  useQuery({
    queryKey: ['channels', 'count', filter],
    queryFn: () => api.get<ChannelPage>('/api/channels', { ...filter, limit: 1 }),
    select: (page) => page.total,
  });

export const useProviderChannelCount = () =>
  useQuery({
    queryKey: ['provider-channels', 'count'],
    queryFn: () => api.get<ProviderChannelPage>('/api/provider-channels', { limit: 1 }),
    select: (page) => page.total,
  });

export const usePlex = (poll: boolean) =>
  useQuery({
    queryKey: ['plex'],
    queryFn: () => api.get<PlexSetupWithFetches>('/api/plex'),
    refetchInterval: poll ? 3000 : false,
  });

/** Everything the wizard's done-marks come from; `loading` until the first answers are in. */
export function useSetupState(pollPlex: boolean): { state: SetupState; loading: boolean } {
  const session = useSession();
  const accounts = useAccountList();
  const scanned = useProviderChannelCount();
  const guides = useGuideSources();
  const matched = useChannelCount({ matched: true });
  const enabled = useChannelCount({ enabled: true });
  const plex = usePlex(pollPlex);
  return {
    loading: session.isPending || accounts.isPending || guides.isPending,
    state: {
      passwordSet: session.data?.passwordSet,
      accounts: accounts.data?.length,
      scannedChannels: scanned.data,
      guideSources: guides.data?.length,
      importedSources: guides.data?.filter((g) => g.lastRefreshAt !== null).length,
      matchedChannels: matched.data,
      enabledChannels: enabled.data,
      plexFetchedLineup: plex.data?.lastFetched ? plex.data.lastFetched.lineup !== null : undefined,
    },
  };
}
