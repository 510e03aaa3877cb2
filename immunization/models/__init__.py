from .schedule import CoursePlan, Dose, EligibilityWindow, GeneralInterval, PlanStep, Vaccine

__all__ = ["CoursePlan", "Dose", "EligibilityWindow", "GeneralInterval", "PlanStep", "Vaccine"]
