import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { Channel, ChannelPage, ChannelPatch, Updated } from '../../api/types';

const pageSize = 1000;

/** Every lineup channel in display order (paged through GET /api/channels). */
export async function fetchAllChannels(): Promise<Channel[]> {
  const items: Channel[] = [];
  for (;;) {
    const page = await api.get<ChannelPage>('/api/channels', { limit: pageSize, offset: items.length });
    items.push(...page.items);
    if (page.items.length === 0 || items.length >= page.total) return items;
  }
}

export const allChannelsKey = ['channels', 'all'] as const;

export function useAllChannels() {
  return useQuery({ queryKey: allChannelsKey, queryFn: fetchAllChannels });
}

/** PATCH /api/channels/:id (enabled and/or number); the lineup and the channel page refresh. */
export function usePatchChannel() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, patch }: { id: number; patch: ChannelPatch }) =>
      api.patch<Channel>(`/api/channels/${id}`, patch),
    onSuccess: (channel) => {
      queryClient.setQueryData<Channel[]>(allChannelsKey, (rows) =>
        rows?.map((row) => (row.id === channel.id ? channel : row)),
      );
      queryClient.setQueryData(['channel', channel.id], channel);
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
    },
  });
}

/** POST /api/channels/bulk. */
export function useBulkEnable() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { ids: number[]; enabled: boolean }) => api.post<Updated>('/api/channels/bulk', body),
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: ['channels'] });
      void queryClient.invalidateQueries({ queryKey: ['channel'] });
    },
  });
}
