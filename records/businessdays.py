"""Business days in Connecticut: moved to the kernel (portal/businessdays.py) once service
requests needed them too; re-exported here for records' modules and tests."""

from portal.businessdays import add_business_days, business_days_between, is_business_day

__all__ = ["add_business_days", "business_days_between", "is_business_day"]
