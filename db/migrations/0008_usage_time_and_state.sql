CREATE TABLE `transcript_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
ALTER TABLE `usage_records` ADD `at` integer;--> statement-breakpoint
ALTER TABLE `usage_records` ADD `sidechain` integer DEFAULT 0 NOT NULL;