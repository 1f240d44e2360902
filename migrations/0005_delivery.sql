CREATE TABLE `deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`invitation_seq` integer NOT NULL,
	`member_id` integer NOT NULL,
	`step` integer DEFAULT 0 NOT NULL,
	`round` integer DEFAULT 1 NOT NULL,
	`channel` text NOT NULL,
	`state` text DEFAULT 'queued' NOT NULL,
	`due_at` integer NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`batch_id` text,
	`provider_message_id` text,
	`error_code` text,
	`error_reason` text,
	`transient` integer,
	`sent_at` integer,
	`final_at` integer,
	`cancel_reason` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deliveries_member_step_unique` ON `deliveries` (`invitation_seq`,`member_id`,`step`,`round`);--> statement-breakpoint
CREATE INDEX `deliveries_queue_idx` ON `deliveries` (`invitation_seq`,`due_at`) WHERE "deliveries"."state" = 'queued';--> statement-breakpoint
CREATE INDEX `deliveries_batch_idx` ON `deliveries` (`batch_id`) WHERE "deliveries"."state" IN ('sending', 'unknown');--> statement-breakpoint
CREATE TABLE `outbox` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` integer NOT NULL,
	`batch_id` text NOT NULL,
	`channel` text NOT NULL,
	`recipient` text NOT NULL,
	`subject` text,
	`text_body` text NOT NULL,
	`html_body` text,
	`headers` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `send_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_seq` integer NOT NULL,
	`runner` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`lease_until` integer NOT NULL,
	`state` text NOT NULL,
	`attempted` integer DEFAULT 0 NOT NULL,
	`failed` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `send_batches_claimed_idx` ON `send_batches` (`lease_until`) WHERE "send_batches"."state" = 'claimed';--> statement-breakpoint
CREATE INDEX `send_batches_invitation_idx` ON `send_batches` (`invitation_seq`,`claimed_at`);--> statement-breakpoint
ALTER TABLE `invitations` ADD `reminders` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `invitations` ADD `paused_at` integer;--> statement-breakpoint
ALTER TABLE `invitations` ADD `paused_by` text;--> statement-breakpoint
ALTER TABLE `invitations` ADD `pause_reason` text;--> statement-breakpoint
ALTER TABLE `invitations` ADD `completed_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `invitations` ADD `open_claim` text;--> statement-breakpoint
ALTER TABLE `invitations` ADD `open_claim_until` integer;--> statement-breakpoint
ALTER TABLE `invitations` ADD `activity_at` integer;--> statement-breakpoint
ALTER TABLE `invitations` ADD `summary_at` integer;--> statement-breakpoint
CREATE INDEX `members_phone_idx` ON `members` (`phone`);