-- Invitations get an integer key (seq); participations refer to it instead of the 24-character
-- public id and no longer copy the chat id, so participations_member_idx holds only integers.
-- Hand-edited after drizzle-kit generate: invitations are rebuilt first so participations can
-- translate their invitation_id (rows of a missing invitation cannot be kept); seq follows
-- creation order; participations stay WITHOUT ROWID (drizzle-kit cannot express it, see 0000_init).
CREATE TABLE `__new_invitations` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`id` text NOT NULL,
	`chat_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`locale` text NOT NULL,
	`schedule_mode` text NOT NULL,
	`time_zone` text NOT NULL,
	`opens_local` text,
	`closes_local` text,
	`opens_at` integer NOT NULL,
	`closes_at` integer NOT NULL,
	`response_limit` integer,
	`target` text NOT NULL,
	`same_locale_only` integer DEFAULT false NOT NULL,
	`live_audience` integer DEFAULT true NOT NULL,
	`cooldown_days` integer,
	`channel` text NOT NULL,
	`email_subject` text,
	`email_body` text,
	`sms_body` text,
	`slack_channel_id` text,
	`slack_message_ts` text,
	`created_by` text NOT NULL,
	`status` text NOT NULL,
	`close_reason` text,
	`closed_by` text,
	`approval_required` integer DEFAULT false NOT NULL,
	`approved_by` text,
	`approved_at` integer,
	`scheduled_at` integer,
	`opened_at` integer,
	`closed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`chat_id`) REFERENCES `chats`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_invitations`("seq", "id", "chat_id", "name", "description", "locale", "schedule_mode", "time_zone", "opens_local", "closes_local", "opens_at", "closes_at", "response_limit", "target", "same_locale_only", "live_audience", "cooldown_days", "channel", "email_subject", "email_body", "sms_body", "slack_channel_id", "slack_message_ts", "created_by", "status", "close_reason", "closed_by", "approval_required", "approved_by", "approved_at", "scheduled_at", "opened_at", "closed_at", "created_at", "updated_at", "version") SELECT row_number() OVER (ORDER BY "created_at", "id"), "id", "chat_id", "name", "description", "locale", "schedule_mode", "time_zone", "opens_local", "closes_local", "opens_at", "closes_at", "response_limit", "target", "same_locale_only", "live_audience", "cooldown_days", "channel", "email_subject", "email_body", "sms_body", "slack_channel_id", "slack_message_ts", "created_by", "status", "close_reason", "closed_by", "approval_required", "approved_by", "approved_at", "scheduled_at", "opened_at", "closed_at", "created_at", "updated_at", "version" FROM `invitations`;--> statement-breakpoint
DROP TABLE `invitations`;--> statement-breakpoint
ALTER TABLE `__new_invitations` RENAME TO `invitations`;--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_id_unique` ON `invitations` (`id`);--> statement-breakpoint
CREATE INDEX `invitations_status_opens_idx` ON `invitations` (`status`,`opens_at`);--> statement-breakpoint
CREATE INDEX `invitations_status_closes_idx` ON `invitations` (`status`,`closes_at`);--> statement-breakpoint
CREATE INDEX `invitations_chat_idx` ON `invitations` (`chat_id`,`status`);--> statement-breakpoint
CREATE TABLE `__new_participations` (
	`invitation_seq` integer NOT NULL,
	`member_id` integer NOT NULL,
	`token` text,
	`channel` text NOT NULL,
	`targeted_at` integer NOT NULL,
	`sent_at` integer,
	`delivered_at` integer,
	`failed_at` integer,
	`bounced_at` integer,
	`failure_code` text,
	`failure_reason` text,
	`clicked_at` integer,
	`completed_at` integer,
	`completed_after_close` integer,
	`cancelled_at` integer,
	`cancel_reason` text,
	PRIMARY KEY(`invitation_seq`, `member_id`)
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_participations`("invitation_seq", "member_id", "token", "channel", "targeted_at", "sent_at", "delivered_at", "failed_at", "bounced_at", "failure_code", "failure_reason", "clicked_at", "completed_at", "completed_after_close", "cancelled_at", "cancel_reason") SELECT (SELECT i."seq" FROM `invitations` i WHERE i."id" = p."invitation_id"), "member_id", "token", "channel", "targeted_at", "sent_at", "delivered_at", "failed_at", "bounced_at", "failure_code", "failure_reason", "clicked_at", "completed_at", "completed_after_close", "cancelled_at", "cancel_reason" FROM `participations` p WHERE p."invitation_id" IN (SELECT "id" FROM `invitations`);--> statement-breakpoint
DROP TABLE `participations`;--> statement-breakpoint
ALTER TABLE `__new_participations` RENAME TO `participations`;--> statement-breakpoint
CREATE UNIQUE INDEX `participations_token_unique` ON `participations` (`token`) WHERE "participations"."token" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `participations_member_idx` ON `participations` (`member_id`,`targeted_at`,`completed_at`);
