CREATE TABLE `usage_daily` (
	`day` text NOT NULL,
	`agent_kind` text NOT NULL,
	`model` text NOT NULL,
	`project_key` text NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL,
	`responses` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `usage_daily_key` ON `usage_daily` (`day`,`agent_kind`,`model`,`project_key`);--> statement-breakpoint
CREATE TABLE `usage_records` (
	`key` text PRIMARY KEY NOT NULL,
	`session_id` text NOT NULL,
	`day` text NOT NULL,
	`agent_kind` text NOT NULL,
	`model` text NOT NULL,
	`project_key` text NOT NULL,
	`input_tokens` integer DEFAULT 0 NOT NULL,
	`output_tokens` integer DEFAULT 0 NOT NULL,
	`cache_read_tokens` integer DEFAULT 0 NOT NULL,
	`cache_write_tokens` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `usage_records_session_idx` ON `usage_records` (`session_id`);--> statement-breakpoint
ALTER TABLE `messages` ADD `kind` text DEFAULT 'text' NOT NULL;--> statement-breakpoint
ALTER TABLE `messages` ADD `usage_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `messages_session_external_unique` ON `messages` (`session_id`,`external_id`);--> statement-breakpoint
ALTER TABLE `transcript_files` ADD `head_hash` text;--> statement-breakpoint
ALTER TABLE `transcript_files` ADD `state` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `transcript_files` ADD `status` text DEFAULT 'ok' NOT NULL;--> statement-breakpoint
ALTER TABLE `transcript_files` ADD `problem_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX `tool_calls_external_idx` ON `tool_calls` (`session_id`,`external_id`,`status`);