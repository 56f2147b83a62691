CREATE TABLE `session_totals_pending` (
	`session_id` text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
-- Keeping session totals row by row was about a sixth of a first scan's time (an upsert per row, and a
-- look-up in tool_calls per tool row). While the key `session_totals_deferred` is in transcript_state
-- (its value: the last seq of messages and of tool_calls when it was written), the triggers of 0013
-- count nothing. A new message or tool call is found later by its seq, as the search index finds it
-- (0014): no trigger runs for it. Every other change (a row deleted, a usage record written or moved)
-- marks its session in session_totals_pending (not INSERT OR IGNORE, whose IGNORE gives way to the
-- conflict clause of the statement that fired the trigger). The scan then counts those sessions'
-- totals again from their rows and removes the key, in one transaction. The key and the marks are
-- written in the same transactions as the rows, so a scan killed midway leaves a database the next
-- one finishes.
DROP TRIGGER IF EXISTS `session_counts_message_insert`;
--> statement-breakpoint
CREATE TRIGGER `session_counts_message_insert` AFTER INSERT ON `messages`
WHEN NOT EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred') BEGIN
  INSERT INTO `session_counts` (`session_id`, `messages`) VALUES (new.session_id, 1)
    ON CONFLICT(`session_id`) DO UPDATE SET `messages` = `messages` + 1;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `session_counts_message_delete`;
--> statement-breakpoint
CREATE TRIGGER `session_counts_message_delete` AFTER DELETE ON `messages`
WHEN NOT EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred') BEGIN
  UPDATE `session_counts` SET `messages` = `messages` - 1 WHERE `session_id` = old.session_id;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `session_counts_tool_insert`;
--> statement-breakpoint
CREATE TRIGGER `session_counts_tool_insert` AFTER INSERT ON `tool_calls`
WHEN NOT EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred')
  AND (new.external_id IS NULL OR NOT EXISTS (SELECT 1 FROM `tool_calls` WHERE `session_id` = new.session_id AND `external_id` = new.external_id AND `seq` <> new.seq))
BEGIN
  INSERT INTO `session_counts` (`session_id`, `tool_calls`) VALUES (new.session_id, 1)
    ON CONFLICT(`session_id`) DO UPDATE SET `tool_calls` = `tool_calls` + 1;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `session_counts_tool_delete`;
--> statement-breakpoint
CREATE TRIGGER `session_counts_tool_delete` AFTER DELETE ON `tool_calls`
WHEN NOT EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred')
  AND (old.external_id IS NULL OR NOT EXISTS (SELECT 1 FROM `tool_calls` WHERE `session_id` = old.session_id AND `external_id` = old.external_id))
BEGIN
  UPDATE `session_counts` SET `tool_calls` = `tool_calls` - 1 WHERE `session_id` = old.session_id;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `session_usage_insert`;
--> statement-breakpoint
CREATE TRIGGER `session_usage_insert` AFTER INSERT ON `usage_records`
WHEN NOT EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred') BEGIN
  INSERT INTO `session_usage` (`session_id`, `model`, `input_tokens`, `output_tokens`, `cache_read_tokens`, `cache_write_tokens`, `responses`, `first_day`, `last_day`)
    VALUES (new.session_id, new.model, new.input_tokens, new.output_tokens, new.cache_read_tokens, new.cache_write_tokens, 1, new.day, new.day)
    ON CONFLICT(`session_id`, `model`) DO UPDATE SET `input_tokens` = `input_tokens` + excluded.input_tokens, `output_tokens` = `output_tokens` + excluded.output_tokens,
      `cache_read_tokens` = `cache_read_tokens` + excluded.cache_read_tokens, `cache_write_tokens` = `cache_write_tokens` + excluded.cache_write_tokens, `responses` = `responses` + 1,
      `first_day` = min(coalesce(`first_day`, excluded.first_day), excluded.first_day), `last_day` = max(coalesce(`last_day`, excluded.last_day), excluded.last_day);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `session_usage_delete`;
--> statement-breakpoint
CREATE TRIGGER `session_usage_delete` AFTER DELETE ON `usage_records`
WHEN NOT EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred') BEGIN
  UPDATE `session_usage` SET `input_tokens` = `input_tokens` - old.input_tokens, `output_tokens` = `output_tokens` - old.output_tokens,
    `cache_read_tokens` = `cache_read_tokens` - old.cache_read_tokens, `cache_write_tokens` = `cache_write_tokens` - old.cache_write_tokens, `responses` = `responses` - 1
    WHERE `session_id` = old.session_id AND `model` = old.model;
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `session_usage_update`;
--> statement-breakpoint
CREATE TRIGGER `session_usage_update` AFTER UPDATE OF `session_id`, `model`, `day`, `input_tokens`, `output_tokens`, `cache_read_tokens`, `cache_write_tokens` ON `usage_records`
WHEN NOT EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred') BEGIN
  UPDATE `session_usage` SET `input_tokens` = `input_tokens` - old.input_tokens, `output_tokens` = `output_tokens` - old.output_tokens,
    `cache_read_tokens` = `cache_read_tokens` - old.cache_read_tokens, `cache_write_tokens` = `cache_write_tokens` - old.cache_write_tokens, `responses` = `responses` - 1
    WHERE `session_id` = old.session_id AND `model` = old.model;
  INSERT INTO `session_usage` (`session_id`, `model`, `input_tokens`, `output_tokens`, `cache_read_tokens`, `cache_write_tokens`, `responses`, `first_day`, `last_day`)
    VALUES (new.session_id, new.model, new.input_tokens, new.output_tokens, new.cache_read_tokens, new.cache_write_tokens, 1, new.day, new.day)
    ON CONFLICT(`session_id`, `model`) DO UPDATE SET `input_tokens` = `input_tokens` + excluded.input_tokens, `output_tokens` = `output_tokens` + excluded.output_tokens,
      `cache_read_tokens` = `cache_read_tokens` + excluded.cache_read_tokens, `cache_write_tokens` = `cache_write_tokens` + excluded.cache_write_tokens, `responses` = `responses` + 1,
      `first_day` = min(coalesce(`first_day`, excluded.first_day), excluded.first_day), `last_day` = max(coalesce(`last_day`, excluded.last_day), excluded.last_day);
END;
--> statement-breakpoint
CREATE TRIGGER `session_totals_pending_message_delete` AFTER DELETE ON `messages`
WHEN EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred') BEGIN
  INSERT INTO `session_totals_pending` (`session_id`) SELECT old.session_id WHERE NOT EXISTS (SELECT 1 FROM `session_totals_pending` WHERE `session_id` = old.session_id);
END;
--> statement-breakpoint
CREATE TRIGGER `session_totals_pending_tool_delete` AFTER DELETE ON `tool_calls`
WHEN EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred') BEGIN
  INSERT INTO `session_totals_pending` (`session_id`) SELECT old.session_id WHERE NOT EXISTS (SELECT 1 FROM `session_totals_pending` WHERE `session_id` = old.session_id);
END;
--> statement-breakpoint
CREATE TRIGGER `session_totals_pending_usage_insert` AFTER INSERT ON `usage_records`
WHEN EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred') BEGIN
  INSERT INTO `session_totals_pending` (`session_id`) SELECT new.session_id WHERE NOT EXISTS (SELECT 1 FROM `session_totals_pending` WHERE `session_id` = new.session_id);
END;
--> statement-breakpoint
CREATE TRIGGER `session_totals_pending_usage_delete` AFTER DELETE ON `usage_records`
WHEN EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred') BEGIN
  INSERT INTO `session_totals_pending` (`session_id`) SELECT old.session_id WHERE NOT EXISTS (SELECT 1 FROM `session_totals_pending` WHERE `session_id` = old.session_id);
END;
--> statement-breakpoint
CREATE TRIGGER `session_totals_pending_usage_update` AFTER UPDATE OF `session_id`, `model`, `day`, `input_tokens`, `output_tokens`, `cache_read_tokens`, `cache_write_tokens` ON `usage_records`
WHEN EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'session_totals_deferred') BEGIN
  INSERT INTO `session_totals_pending` (`session_id`) SELECT old.session_id WHERE NOT EXISTS (SELECT 1 FROM `session_totals_pending` WHERE `session_id` = old.session_id);
  INSERT INTO `session_totals_pending` (`session_id`) SELECT new.session_id WHERE NOT EXISTS (SELECT 1 FROM `session_totals_pending` WHERE `session_id` = new.session_id);
END;
--> statement-breakpoint
-- The scan's bulk indexing (INSERT ... SELECT of 64 MB of input at a time) wrote a new level-0 segment
-- for every 1 MB of pending terms (FTS5's default) and merged them again and again; 8 MB makes that a
-- quarter less work. It bounds only the terms one transaction buffers: a single row's write buffers little.
INSERT INTO `messages_fts`(`messages_fts`, `rank`) VALUES ('hashsize', 8388608);
--> statement-breakpoint
INSERT INTO `tool_calls_fts`(`tool_calls_fts`, `rank`) VALUES ('hashsize', 8388608);
