// A real OpenID Connect provider on loopback for the single sign-on tests (npm's oidc-provider, installed
// into requirements/js/node_modules by ./run test). Started by tests/oidc/server.py:
//     node tests/oidc/provider.mjs   with OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS,
//     OIDC_POST_LOGOUT_REDIRECT_URIS, OIDC_STYLE=proconnect to answer as ProConnect does (below), and
//     OIDC_JWKS (optional) its signing keys
// It serves discovery, the authorization, token, userinfo and JWKS endpoints, and its own sign-in form
// (oidc-provider's development interactions: a login and a password, any password). Consent is given
// at once for the one client (the portal), as a cluster's own provider does for its own services.
// Prints "ready <issuer>" on stdout once it listens.
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../requirements/js/package.json', import.meta.url));
const { default: Provider } = await import(require.resolve('oidc-provider'));

// The people the provider knows, by login. ACCOUNTS in tests/oidc/server.py says the same.
const ACCOUNTS = {
  claire: {
    email: 'claire.martin@example.org',
    email_verified: true,
    given_name: 'Claire',
    family_name: 'Martin',
  },
  // An address the provider never checked: it must not open the portal's account of that address.
  usurpateur: {
    email: 'paul.girard@example.org',
    email_verified: false,
    given_name: 'Paul',
    family_name: 'Girard',
  },
  // A public agent as ProConnect describes one: `usual_name` for the surname, and no `email_verified`
  // (the agent's administration vouches for the address).
  agent: {
    email: 'sophie.bernard@interieur.gouv.fr',
    given_name: 'Sophie',
    usual_name: 'Bernard',
  },
};

// OIDC_STYLE=proconnect: ProConnect's ways. One scope per claim (openid given_name usual_name email), and the
// userinfo endpoint answers a signed JWT (application/jwt) rather than JSON.
const proconnect = process.env.OIDC_STYLE === 'proconnect';
const SCOPE = proconnect ? 'openid email given_name usual_name' : 'openid email profile';
const CLAIMS = proconnect ? ['email', 'given_name', 'usual_name'] : ['email', 'email_verified', 'given_name', 'family_name', 'name'];

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: process.env.OIDC_REDIRECT_URIS.split(' ').filter(Boolean),
      response_types: ['code'],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      post_logout_redirect_uris: (process.env.OIDC_POST_LOGOUT_REDIRECT_URIS || '').split(' ').filter(Boolean),
      ...(proconnect ? { userinfo_signed_response_alg: 'RS256' } : {}),
    },
  ],
  claims: proconnect
    ? { email: ['email'], given_name: ['given_name'], usual_name: ['usual_name'] }
    : { email: ['email', 'email_verified'], profile: ['family_name', 'given_name', 'name'] },
  features: {
    jwtUserinfo: { enabled: proconnect },
    // RP-initiated logout (end_session_endpoint): the portal sends people here when they sign out.
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ['tests-only-cookie-key'] },
  // OIDC_JWKS: the signing keys (a private JWK set) given by a test that must sign as the provider does.
  ...(process.env.OIDC_JWKS ? { jwks: JSON.parse(process.env.OIDC_JWKS) } : {}),
  async findAccount(_ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) {
      return undefined;
    }
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: `${account.given_name} ${account.family_name || account.usual_name}`, ...account };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope(SCOPE);
    grant.addOIDCClaims(CLAIMS);
    await grant.save();
    return grant;
  },
});

const server = provider.listen(port, '127.0.0.1', () => {
  process.stdout.write(`ready ${issuer}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
