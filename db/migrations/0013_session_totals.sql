CREATE TABLE `session_counts` (
	`session_id` text PRIMARY KEY NOT NULL,
	`messages` integer DEFAULT 0 NOT NULL,
	`tool_calls` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `session_usage` (
	`session_id` text NOT NULL,
	`model` text NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`responses` integer DEFAULT 0 NOT NULL,
	`first_day` text,
	`last_day` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `session_usage_key` ON `session_usage` (`session_id`,`model`);--> statement-breakpoint
-- The write side of these totals, in one place: triggers on the rows they count. A session's first and last
-- usage day only widen (a deleted record leaves them): readers treat them as bounds, never as exact.
CREATE TRIGGER `session_counts_message_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO `session_counts` (`session_id`, `messages`) VALUES (new.session_id, 1)
    ON CONFLICT(`session_id`) DO UPDATE SET `messages` = `messages` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `session_counts_message_delete` AFTER DELETE ON `messages` BEGIN
  UPDATE `session_counts` SET `messages` = `messages` - 1 WHERE `session_id` = old.session_id;
END;
--> statement-breakpoint
-- A tool call is several rows sharing an external id (requested, answered): it counts once.
CREATE TRIGGER `session_counts_tool_insert` AFTER INSERT ON `tool_calls`
WHEN new.external_id IS NULL OR NOT EXISTS (SELECT 1 FROM `tool_calls` WHERE `session_id` = new.session_id AND `external_id` = new.external_id AND `seq` <> new.seq)
BEGIN
  INSERT INTO `session_counts` (`session_id`, `tool_calls`) VALUES (new.session_id, 1)
    ON CONFLICT(`session_id`) DO UPDATE SET `tool_calls` = `tool_calls` + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `session_counts_tool_delete` AFTER DELETE ON `tool_calls`
WHEN old.external_id IS NULL OR NOT EXISTS (SELECT 1 FROM `tool_calls` WHERE `session_id` = old.session_id AND `external_id` = old.external_id)
BEGIN
  UPDATE `session_counts` SET `tool_calls` = `tool_calls` - 1 WHERE `session_id` = old.session_id;
END;
--> statement-breakpoint
CREATE TRIGGER `session_usage_insert` AFTER INSERT ON `usage_records` BEGIN
  INSERT INTO `session_usage` (`session_id`, `model`, `input_tokens`, `output_tokens`, `cache_read_tokens`, `cache_write_tokens`, `responses`, `first_day`, `last_day`)
    VALUES (new.session_id, new.model, new.input_tokens, new.output_tokens, new.cache_read_tokens, new.cache_write_tokens, 1, new.day, new.day)
    ON CONFLICT(`session_id`, `model`) DO UPDATE SET `input_tokens` = `input_tokens` + excluded.input_tokens, `output_tokens` = `output_tokens` + excluded.output_tokens,
      `cache_read_tokens` = `cache_read_tokens` + excluded.cache_read_tokens, `cache_write_tokens` = `cache_write_tokens` + excluded.cache_write_tokens, `responses` = `responses` + 1,
      `first_day` = min(coalesce(`first_day`, excluded.first_day), excluded.first_day), `last_day` = max(coalesce(`last_day`, excluded.last_day), excluded.last_day);
END;
--> statement-breakpoint
CREATE TRIGGER `session_usage_delete` AFTER DELETE ON `usage_records` BEGIN
  UPDATE `session_usage` SET `input_tokens` = `input_tokens` - old.input_tokens, `output_tokens` = `output_tokens` - old.output_tokens,
    `cache_read_tokens` = `cache_read_tokens` - old.cache_read_tokens, `cache_write_tokens` = `cache_write_tokens` - old.cache_write_tokens, `responses` = `responses` - 1
    WHERE `session_id` = old.session_id AND `model` = old.model;
END;
--> statement-breakpoint
CREATE TRIGGER `session_usage_update` AFTER UPDATE OF `session_id`, `model`, `day`, `input_tokens`, `output_tokens`, `cache_read_tokens`, `cache_write_tokens` ON `usage_records` BEGIN
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
INSERT INTO `session_counts` (`session_id`, `messages`)
  SELECT `session_id`, count(*) FROM `messages` WHERE true GROUP BY `session_id`
  ON CONFLICT(`session_id`) DO UPDATE SET `messages` = excluded.messages;
--> statement-breakpoint
INSERT INTO `session_counts` (`session_id`, `tool_calls`)
  SELECT `session_id`, count(DISTINCT coalesce(`external_id`, `id`)) FROM `tool_calls` WHERE true GROUP BY `session_id`
  ON CONFLICT(`session_id`) DO UPDATE SET `tool_calls` = excluded.tool_calls;
--> statement-breakpoint
INSERT INTO `session_usage` (`session_id`, `model`, `input_tokens`, `output_tokens`, `cache_read_tokens`, `cache_write_tokens`, `responses`, `first_day`, `last_day`)
  SELECT `session_id`, `model`, sum(`input_tokens`), sum(`output_tokens`), sum(`cache_read_tokens`), sum(`cache_write_tokens`), count(*), min(`day`), max(`day`) FROM `usage_records` WHERE true GROUP BY `session_id`, `model`;
