/**
 * The D1 the online store reads and writes through: a Sessions API session
 * (`withSession('first-unconstrained')`), one per isolate. With D1 read
 * replication enabled, its reads go to the nearest replica instead of the
 * primary; writes still go to the primary, and the session's bookmark makes
 * this isolate read its own writes (sequential consistency within the
 * session). Other isolates may read a value a replica has not caught up with
 * yet, for as long as replication lags, as with KV. Without read
 * replication every query goes to the primary, as before.
 */
export function d1Session(db: D1Database): D1Database | D1DatabaseSession {
  return typeof db.withSession === 'function' ? db.withSession('first-unconstrained') : db;
}
