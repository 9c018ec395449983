import { Alert, Button, Center, Paper, PasswordInput, Stack, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, call, type Schemas } from '../api/client';
import { session } from '../auth/session';
import { ProblemAlert } from '../components/ProblemAlert';

/** The API's own login (POST /api/v1/auth/login): the console holds the returned token for this tab. */
export function LoginPage() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => call<Schemas['LoginResponseDto']>(api.POST('/api/v1/auth/login', { body: { username, password } })),
    onSuccess: (result) => session.start(result.accessToken, result.expiresIn),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    login.mutate();
  };
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" w={380} maw="100%">
        <form onSubmit={submit} aria-labelledby="login-title">
          <Stack>
            <Title order={1} size="h3" id="login-title">
              Patchgate console
            </Title>
            {session.notice && <Alert color="yellow">{session.notice}</Alert>}
            <TextInput label="Username" name="username" autoComplete="username" required maxLength={64} value={username} onChange={(e) => setUsername(e.currentTarget.value)} />
            <PasswordInput label="Password" name="password" autoComplete="current-password" required maxLength={256} value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
            <ProblemAlert error={login.error} title="Login failed" />
            <Button type="submit" loading={login.isPending}>
              Log in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
