import { Center, Loader } from '@mantine/core';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import { api, onUnauthorized } from './api/client';
import { LiveUpdates } from './api/live';
import type { AuthSession } from './api/types';
import { Layout } from './components/Layout';
import { ErrorNote } from './components/QueryState';
import { LoginPage, NoPasswordPage } from './pages/LoginPage';
import { pages } from './pages';
import { HomeRedirect } from './pages/setup/HomeRedirect';

type Session = AuthSession;

export function App() {
  const queryClient = useQueryClient();
  const session = useQuery({ queryKey: ['session'], queryFn: () => api.get<Session>('/api/auth/session') });
  useEffect(() => onUnauthorized(() => void queryClient.invalidateQueries({ queryKey: ['session'] })), [queryClient]);
  if (session.isPending)
    return (
      <Center mih="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  if (session.error) return <ErrorNote error={session.error} title="Tunerbridge cannot be reached" />;
  const s = session.data;
  if (s.passwordSet && !s.authenticated) return <LoginPage />;
  if (!s.passwordSet && !s.authenticated) return <NoPasswordPage session={s} />;
  return (
    <LiveUpdates enabled>
      <Layout>
        <Routes>
          <Route path="/" element={<HomeRedirect />} />
          {pages.map(({ path, element }) => (
            <Route key={path} path={path} element={element} />
          ))}
          <Route path="*" element={<Navigate to="/lineup" replace />} />
        </Routes>
      </Layout>
    </LiveUpdates>
  );
}
