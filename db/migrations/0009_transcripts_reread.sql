-- Usage is now keyed by the response itself: Claude's by message id alone (a side conversation's replay
-- of a parent message has a new request id, and is the same response). Of several rows for one message
-- the most complete stays.
DELETE FROM `usage_records` WHERE `key` GLOB 'claude:*:*' AND rowid NOT IN (
  SELECT rowid FROM (
    SELECT rowid, row_number() OVER (
      PARTITION BY substr(`key`, 1, 7 + instr(substr(`key`, 8), ':') - 1)
      ORDER BY `input_tokens` + `output_tokens` + `cache_read_tokens` + `cache_write_tokens` DESC, rowid
    ) AS `rank`
    FROM `usage_records` WHERE `key` GLOB 'claude:*:*'
  ) WHERE `rank` = 1
);
--> statement-breakpoint
UPDATE `usage_records` SET `key` = substr(`key`, 1, 7 + instr(substr(`key`, 8), ':') - 1) WHERE `key` GLOB 'claude:*:*';
--> statement-breakpoint
-- Messages point at their response's usage; they are append-only (the trigger is put back after every migration).
DROP TRIGGER IF EXISTS `append_only_messages_no_update`;
--> statement-breakpoint
UPDATE `messages` SET `usage_key` = substr(`usage_key`, 1, 7 + instr(substr(`usage_key`, 8), ':') - 1) WHERE `usage_key` GLOB 'claude:*:*';
--> statement-breakpoint
DELETE FROM `usage_daily`;
--> statement-breakpoint
INSERT INTO `usage_daily` (`day`, `agent_kind`, `model`, `project_key`, `input_tokens`, `output_tokens`, `cache_read_tokens`, `cache_write_tokens`, `responses`)
  SELECT `day`, `agent_kind`, `model`, `project_key`, sum(`input_tokens`), sum(`output_tokens`), sum(`cache_read_tokens`), sum(`cache_write_tokens`), count(*)
  FROM `usage_records` GROUP BY `day`, `agent_kind`, `model`, `project_key`;
--> statement-breakpoint
-- Every transcript is read once more from its start (an inode no file has), so rows get the new keys,
-- usage its time and its day in the configured zone. Rows of files that are gone stay as they are.
UPDATE `transcript_files` SET `inode` = -1, `offset` = 0, `head_hash` = NULL, `state` = '{}';
