/** Sign in with a name (a session item in the global UserSessions table), sign out, who am I. */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.js';
import { AppError } from '../errors.js';
import { signInBody } from '../views/pages.js';
import { bodyOf, requireSession, route, send, sessionCookieHeader } from './http.js';

const namePattern = /^[\p{L}\p{N}][\p{L}\p{N} ._'-]{0,39}$/u;

function publicSession(session: NonNullable<FastifyRequest['session']>) {
  const { userId, userName, expiresAt, createdInRegion } = session;
  return { userId, userName, expiresAt, createdInRegion };
}

export function accountRoutes(app: FastifyInstance, deps: AppDeps): void {
  app.get('/signin', async (request, reply) =>
    send(deps, request, reply, { json: {}, title: 'Sign in', body: () => signInBody() }),
  );

  const signIn = async (request: FastifyRequest, reply: FastifyReply) => {
    const raw = bodyOf(request).name;
    const name = typeof raw === 'string' ? raw.trim() : '';
    if (!namePattern.test(name)) {
      const message = 'Enter a name of 1 to 40 letters, digits, spaces, dots, dashes or apostrophes.';
      const error = new AppError(400, 'BadRequest', message, { field: 'name' });
      if (request.url.startsWith('/api/')) throw error;
      return send(deps, request, reply, {
        status: 400,
        json: { error: { code: error.code, message } },
        title: 'Sign in',
        body: () => signInBody(message, typeof raw === 'string' ? raw.slice(0, 40) : ''),
      });
    }
    const session = await deps.sessions.create(name);
    request.session = session;
    reply.header('set-cookie', sessionCookieHeader(session, deps.config.sessionTtlSeconds));
    return send(deps, request, reply, {
      status: 201,
      json: { session: publicSession(session) },
      redirect: '/',
    });
  };
  app.post('/signin', signIn);
  app.post('/api/session', signIn);

  route(app, 'GET', '/session', async (request, reply) =>
    send(deps, request, reply, {
      json: { session: publicSession(requireSession(request)) },
      title: 'Session',
      body: () => signInBody(),
    }),
  );

  const signOut = async (request: FastifyRequest, reply: FastifyReply) => {
    const session = request.session;
    if (session) await deps.sessions.delete(session.userId, session.sessionId);
    request.session = null;
    reply.header('set-cookie', sessionCookieHeader(null, 0));
    return send(deps, request, reply, { json: { signedOut: true }, redirect: '/signin' });
  };
  app.post('/signout', signOut);
  app.delete('/api/session', signOut);
}
