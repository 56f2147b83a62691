ALTER TABLE `agent_profiles` ADD `prompt_mode` text DEFAULT 'argument' NOT NULL;--> statement-breakpoint
-- Aider and any command had their prompt typed in; the built-in Shell takes none (a task's title is not a shell command).
UPDATE `agent_profiles` SET `prompt_mode` = CASE WHEN `kind` = 'shell' AND `built_in` = 1 THEN 'none' ELSE 'typed' END, `version` = `version` + 1, `updated_at` = CAST(strftime('%s', 'now') AS INTEGER) * 1000 WHERE `kind` IN ('aider', 'shell');
