-- Full-text search over what tools were given and gave back (FTS5, external content: the text lives once, in tool_calls).
CREATE VIRTUAL TABLE `tool_calls_fts` USING fts5(`name`, `input`, `output_summary`, content='tool_calls', content_rowid='seq', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `tool_calls_fts_insert` AFTER INSERT ON `tool_calls` BEGIN
  INSERT INTO `tool_calls_fts`(rowid, `name`, `input`, `output_summary`) VALUES (new.seq, new.name, new.input, new.output_summary);
END;
--> statement-breakpoint
CREATE TRIGGER `tool_calls_fts_delete` AFTER DELETE ON `tool_calls` BEGIN
  INSERT INTO `tool_calls_fts`(`tool_calls_fts`, rowid, `name`, `input`, `output_summary`) VALUES ('delete', old.seq, old.name, old.input, old.output_summary);
END;
--> statement-breakpoint
INSERT INTO `tool_calls_fts`(`tool_calls_fts`) VALUES ('rebuild');
