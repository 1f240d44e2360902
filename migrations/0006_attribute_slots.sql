-- Profile attributes move from one member_attributes row per member × attribute (2 indexes: an
-- import of 1M members spent ~2 minutes maintaining them) to typed slot columns on members, added
-- per attribute name by src/core/members/attribute-slots.ts. Hand-edited: drizzle-kit knows
-- neither the triggers nor the backfill.
DROP TRIGGER IF EXISTS `members_attributes_after_insert`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `members_attributes_after_update`;--> statement-breakpoint
DROP TRIGGER IF EXISTS `members_attributes_after_delete`;--> statement-breakpoint
CREATE TABLE `attribute_slots` (
	`key` text PRIMARY KEY NOT NULL,
	`slot` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `attribute_slots_slot_unique` ON `attribute_slots` (`slot`);--> statement-breakpoint
DROP TABLE `member_attributes`;--> statement-breakpoint
-- Members stored before this migration get their slots filled once, after it (the columns are
-- created at run time, which plain SQL here cannot do): see backfillAttributeSlots.
CREATE TABLE `attribute_backfill` (`id` integer PRIMARY KEY CHECK (`id` = 1));--> statement-breakpoint
INSERT INTO `attribute_backfill` (`id`) SELECT 1 WHERE EXISTS (SELECT 1 FROM `members` WHERE `attributes` <> '{}');
