-- One seminar registration as the service runs it alone (one commit per registration): lock the
-- seminar, look the address up, count the seats taken, store the registration, queue its mail.
-- Used by benches/pgbench-registration.sh to measure the ceiling that group commit is compared to.
\set n random(1, 2000000000)
BEGIN;
SELECT id, capacity_online FROM seminars WHERE id = 1 FOR UPDATE;
SELECT id FROM registrations WHERE seminar_id = 1 AND email = 'p' || :n || '@example.jp';
SELECT count(*) FROM registrations WHERE seminar_id = 1 AND mode = 'online' AND status = 'confirmed';
INSERT INTO registrations (seminar_id, name, company, email, mode, answers, status, waitlist_seq, token_hash, lang, created_at, updated_at)
  VALUES (1, 'ベンチ 太郎', '株式会社ベンチ', 'p' || :n || '@example.jp', 'online', '{}',
          CASE WHEN (SELECT count(*) FROM registrations WHERE seminar_id = 1 AND mode = 'online' AND status = 'confirmed') < 500 THEN 'confirmed' ELSE 'waitlisted' END,
          NULL, md5(random()::text || :n), 'ja', now(), now())
  ON CONFLICT DO NOTHING;
INSERT INTO outbox (kind, priority, recipient, recipient_name, subject, body_text, body_html, message_id, source, next_attempt_at, created_at)
  VALUES ('transactional', 0, 'p' || :n || '@example.jp', 'ベンチ 太郎', '【申込受付】ベンチマーク',
          repeat('本文', 400), repeat('<p>本文</p>', 300), md5(random()::text) || '@bench', 'seminar:1', now(), now());
COMMIT;
