"""The subjects' portal (信用主体门户): the pages where a credit subject checks the public lists and
whether it may apply for repair, files an objection or a repair application through a guided form,
and follows its cases by account or by case number + query code. Views are thin: they parse input,
call the intake services (the same ones the public API uses) or a selector, and render."""
