ALTER TABLE `sessions` ADD `status_detail` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `prompt` text;