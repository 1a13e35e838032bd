import { Center, Loader } from '@mantine/core';
import { Navigate } from 'react-router-dom';
import { useAccountList } from './useSetupState';

/** `/`: the first-run wizard while there is no account, else the lineup. */
export function HomeRedirect() {
  const accounts = useAccountList();
  if (accounts.isPending)
    return (
      <Center p="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  return <Navigate to={accounts.data?.length === 0 ? '/setup' : '/lineup'} replace />;
}
