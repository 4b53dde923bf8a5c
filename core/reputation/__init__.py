"""Reviews and shop reputation (电子商务法 art. 17, 39).

Reviews come only from buyers of completed orders, never from the shop's own staff, and are
never deleted: at most hidden, with an audit trail. A shop's score is computed from published
rules (:data:`shequ.core.reputation.score.RULES`) and its breakdown is public.
"""
