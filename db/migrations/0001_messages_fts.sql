-- Full-text search over message text (FTS5, external content: the text lives once, in messages).
CREATE VIRTUAL TABLE `messages_fts` USING fts5(`text`, content='messages', content_rowid='seq', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `messages_fts_insert` AFTER INSERT ON `messages` BEGIN
  INSERT INTO `messages_fts`(rowid, `text`) VALUES (new.seq, new.text);
END;
--> statement-breakpoint
CREATE TRIGGER `messages_fts_delete` AFTER DELETE ON `messages` BEGIN
  INSERT INTO `messages_fts`(`messages_fts`, rowid, `text`) VALUES ('delete', old.seq, old.text);
END;
