ALTER TABLE `invitations` ADD `idempotency_key` text;--> statement-breakpoint
CREATE UNIQUE INDEX `invitations_idempotency_key_unique` ON `invitations` (`idempotency_key`);