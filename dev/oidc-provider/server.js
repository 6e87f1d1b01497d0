// OpenID provider behaving like Belgium's federal authentication service (FAS)
// for development, tests and the demo. Listens on 127.0.0.1 only.
//
//   node server.js PORT
//
// Environment: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URIS and
// OIDC_POST_LOGOUT_REDIRECT_URIS (space separated), OIDC_CITIZENS (a JSON file,
// citizens.json next to this script by default); OIDC_OTHER_CLIENT_ID and
// OIDC_OTHER_CLIENT_SECRET add a second client with the same URIs (tests use it
// for tokens meant for another site).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import Provider, { interactionPolicy } from 'oidc-provider';

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port <= 0) {
  console.error('usage: node server.js PORT');
  process.exit(2);
}
const env = process.env;
const list = (value) => (value || '').split(/\s+/).filter(Boolean);
const citizensFile = env.OIDC_CITIZENS || fileURLToPath(new URL('citizens.json', import.meta.url));
const citizens = JSON.parse(readFileSync(citizensFile, 'utf8'));
const LEVEL = 'urn:be:fedict:iam:fas:citizen:Level';
const LEVELS = [100, 300, 400, 450];
const issuer = `http://127.0.0.1:${port}`;
const levelOf = (acr) => Number(String(acr || '').replace(LEVEL, '')) || 0;
// The lowest level the client asked for in acr_values, Level100 if none.
function requestedLevel(acrValues) {
  const requested = String(acrValues || '').split(' ').map(levelOf).filter((level) => LEVELS.includes(level));
  return requested.length ? Math.min(...requested) : LEVELS[0];
}

// As FAS, a session below the level asked signs in again (step-up).
const { Check } = interactionPolicy;
const policy = interactionPolicy.base();
policy.get('login').checks.add(new Check(
  'acr_below_requested',
  'the session is below the requested level',
  (ctx) => (levelOf(ctx.oidc.acr) < requestedLevel(ctx.oidc.params.acr_values)
    ? Check.REQUEST_PROMPT : Check.NO_NEED_TO_PROMPT),
));
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'fas-dev', use: 'sig', alg: 'RS256' };

const client = (clientId, clientSecret) => ({
  client_id: clientId,
  client_secret: clientSecret,
  redirect_uris: list(env.OIDC_REDIRECT_URIS || 'http://127.0.0.1:8080/login_oidc/callback'),
  post_logout_redirect_uris: list(env.OIDC_POST_LOGOUT_REDIRECT_URIS),
  userinfo_signed_response_alg: 'RS256',
});
const clients = [client(env.OIDC_CLIENT_ID || 'commune', env.OIDC_CLIENT_SECRET || 'commune-secret')];
if (env.OIDC_OTHER_CLIENT_ID) {
  clients.push(client(env.OIDC_OTHER_CLIENT_ID, env.OIDC_OTHER_CLIENT_SECRET));
}

const provider = new Provider(issuer, {
  clients,
  jwks: { keys: [jwk] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  acrValues: LEVELS.map((level) => LEVEL + level),
  // As FAS: profile releases the name, e-mail and language, egovnrn the
  // national register number.
  claims: {
    openid: ['sub'],
    profile: ['givenName', 'surname', 'prefLanguage', 'mail'],
    egovnrn: ['egovNRN'],
  },
  scopes: ['openid', 'profile', 'egovnrn'],
  features: {
    devInteractions: { enabled: false },
    jwtUserinfo: { enabled: true },
    rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
  },
  pkce: { required: () => true },
  interactions: { policy, url: (ctx, interaction) => `/login/${interaction.uid}` },
  async findAccount(ctx, id) {
    const citizen = citizens[id];
    if (!citizen) return undefined;
    return {
      accountId: id,
      async claims() {
        const { maxLevel, ...claims } = citizen;
        return { sub: id, ...claims };
      },
    };
  },
});

// Function declarations: the provider's configuration above uses them.
async function logoutSource(ctx, form) {
  ctx.body = document(`<h1>Déconnexion</h1>
<p>Voulez-vous vous déconnecter du service d’authentification ?</p>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Me déconnecter</button>
<button type="submit" form="op.logoutForm">Rester connecté</button>`);
}

async function postLogoutSuccessSource(ctx) {
  ctx.body = document('<h1>Déconnexion</h1><p>Vous êtes déconnecté du service d’authentification.</p>');
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function document(body) {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<title>Connexion (FAS de développement)</title></head><body><main>${body}</main></body></html>`;
}

function page(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8' });
  res.end(document(body));
}

function loginForm(uid, requested, error) {
  const options = LEVELS.map((level) => `<option value="${level}"${level === requested ? ' selected' : ''}>Level${level}</option>`).join('');
  return `<h1>Connexion</h1>${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/login/${escape(uid)}">
<label for="username">Identifiant</label> <input id="username" name="username" required>
<label for="level">Niveau</label> <select id="level" name="level">${options}</select>
<button type="submit">Se connecter</button>
<button type="submit" name="cancel" value="yes" formnovalidate>Annuler</button></form>`;
}

async function readForm(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

async function interaction(req, res, uid) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) return page(res, 400, '<p>Interaction inconnue.</p>');
  const minimum = requestedLevel(details.params.acr_values);
  if (req.method === 'GET') return page(res, 200, loginForm(uid, minimum));
  const form = await readForm(req);
  if (form.get('cancel')) {
    // As FAS does when the citizen gives up: back to the site with an error.
    const result = { error: 'access_denied', error_description: 'sign-in cancelled' };
    return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
  }
  const citizen = citizens[form.get('username')];
  const level = Number(form.get('level'));
  if (!citizen) return page(res, 200, loginForm(uid, level, 'Citoyen inconnu.'));
  if (!LEVELS.includes(level) || level < minimum || level > citizen.maxLevel) {
    return page(res, 200, loginForm(uid, level, 'Ce niveau de connexion n’est pas disponible.'));
  }
  const accountId = form.get('username');
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const result = { login: { accountId, acr: LEVEL + level }, consent: { grantId: await grant.save() } };
  return provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
createServer(async (req, res) => {
  const match = /^\/login\/([\w-]+)$/.exec(req.url);
  if (!match) return callback(req, res);
  try {
    return await interaction(req, res, match[1]);
  } catch (error) {
    return page(res, 400, `<p>${escape(error.message)}</p>`);
  }
}).listen(port, '127.0.0.1', () => console.log(`OpenID provider on ${issuer}`));
