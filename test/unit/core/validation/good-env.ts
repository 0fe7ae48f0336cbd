/** A bcrypt hash, as ROUNDTABLE_COMMUNITY_AUTH_PASSWORD holds it. */
export const HASH = '$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW';

/** The lines of a clean production .env built from the stock one (join with '\n', end with '\n'). */
export const GOOD_ENV_LINES = [
  "API_KEY_ENCRYPTION_KEY='Vq3mW8xT1sZ0pL7rN5kJ2hG9fD4cB6aY1uI0oP3eR7t'",
  `ROUNDTABLE_COMMUNITY_AUTH_PASSWORD='${HASH}'`,
  "ROUNDTABLE_JWT_SECRET='Qw2Er4Ty6Ui8Op0As2Df4Gh6Jk8Lz0Xc2Vb4Nm6Qw8Er0Ty2Ui4Op6As8Df0Gh2J'",
  "ROUNDTABLE_JWT_REFRESH_SECRET='Mn1Bv3Cx5Zl7Kj9Hg1Fd3Sa5Po7Iu9Yt1Re3Wq5Mn7Bv9Cx1Zl3Kj5Hg7Fd9Sa1P'",
  "POSTGRES_USER='a1b2c3d4e5f6'",
  "POSTGRES_PASSWORD='Zx9Cv8Bn7Mq6Wr5Et4Yu3Io2Pa1Sd0Fg'",
  "REDIS_PASSWORD='Lk2Jh4Gf6Ds8Aq0Ws2Ed4Rf6Tg8Yh0Uj2Ik4Ol6Pm8N'",
  "ROUNDTABLE_ENVIRONMENT='production'",
  "ROUNDTABLE_FRONTEND_URL='https://crucible.example.com'",
  "ROUNDTABLE_CORS_ORIGINS='https://crucible.example.com'",
];
