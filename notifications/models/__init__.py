from .inbox import Notification, NotificationPreference
from .outbox import Delivery, OutboxEvent, PlatformEntryState

__all__ = ["Delivery", "Notification", "NotificationPreference", "OutboxEvent", "PlatformEntryState"]
