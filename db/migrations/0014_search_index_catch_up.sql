-- The first scan writes millions of rows; indexing each one for search as it lands (a small FTS5
-- segment per transaction, merged again and again) was most of its time. While a key
-- `fts_<table>_after` is in transcript_state, rows of that table with a higher seq are not indexed
-- one by one: the scan indexes them in bulk (INSERT ... SELECT) and removes the key, in one
-- transaction. A delete indexes nothing out for a row that was never indexed. The key is written in
-- the same transactions as the rows, so a scan killed midway leaves a database the next one finishes.
DROP TRIGGER IF EXISTS `messages_fts_insert`;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages`
WHEN NOT EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'fts_messages_after') BEGIN
  INSERT INTO `messages_fts`(rowid, `text`) VALUES (new.seq, new.text);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `messages_fts_delete`;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages`
WHEN old.seq <= coalesce((SELECT CAST(`value` AS INTEGER) FROM `transcript_state` WHERE `key` = 'fts_messages_after'), old.seq) BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) VALUES ('delete', old.seq, old.text);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `tool_calls_fts_insert`;
--> statement-breakpoint
CREATE TRIGGER `tool_calls_fts_insert` AFTER INSERT ON `tool_calls`
WHEN NOT EXISTS (SELECT 1 FROM `transcript_state` WHERE `key` = 'fts_tool_calls_after') BEGIN
  INSERT INTO `tool_calls_fts`(rowid, `name`, `input`, `output_summary`) VALUES (new.seq, new.name, new.input, new.output_summary);
END;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `tool_calls_fts_delete`;
--> statement-breakpoint
CREATE TRIGGER `tool_calls_fts_delete` AFTER DELETE ON `tool_calls`
WHEN old.seq <= coalesce((SELECT CAST(`value` AS INTEGER) FROM `transcript_state` WHERE `key` = 'fts_tool_calls_after'), old.seq) BEGIN
  INSERT INTO `tool_calls_fts`(`tool_calls_fts`, rowid, `name`, `input`, `output_summary`) VALUES ('delete', old.seq, old.name, old.input, old.output_summary);
END;
